;;; emacs_client.el --- drives Emacs's eglot against `dockgate server', for tests/lsp/test_emacs.py  -*- lexical-binding: t -*-

;; Reads DOCKGATE_SERVER (a JSON list: the command), DOCKERFILE (the file to
;; open) and RESULT (where to write what happened, as JSON), then exits.
;; Written for Debian's Emacs 28 with its elpa-eglot (1.9); Emacs 29 has eglot
;; built in. Run with `emacs --batch -Q -l emacs_client.el'.

(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa") ; Debian's elpa-* packages
(package-initialize)
(require 'eglot)
(require 'json)
(require 'subr-x)

(defvar dockgate-steps nil "What each step saw, newest first.")
(defconst dockgate-timeout 15 "Seconds to wait for the server at each step.")

(define-derived-mode dockerfile-mode prog-mode "Dockerfile"
  "Enough of a Dockerfile mode for eglot to manage the buffer.")

(defun dockgate-diagnostics ()
  "The buffer's flymake diagnostics as eglot placed them: 0-based lines, columns in characters."
  (let (found)
    (dolist (diagnostic (flymake-diagnostics))
      (let* ((beg (flymake-diagnostic-beg diagnostic))
             (end (flymake-diagnostic-end diagnostic))
             (lsp (cdr (assoc 'eglot-lsp-diag (eglot--diag-data diagnostic)))))
        (push (list (cons 'code (plist-get lsp :code))
                    (cons 'line (1- (line-number-at-pos beg)))
                    (cons 'column (- beg (save-excursion (goto-char beg) (line-beginning-position))))
                    (cons 'end_line (1- (line-number-at-pos end)))
                    (cons 'end_column (- end (save-excursion (goto-char end) (line-beginning-position))))
                    (cons 'type (symbol-name (flymake-diagnostic-type diagnostic))))
              found)))
    (sort found (lambda (a b)
                  (let ((line-a (alist-get 'line a)) (line-b (alist-get 'line b)))
                    (if (/= line-a line-b) (< line-a line-b)
                      (< (alist-get 'column a) (alist-get 'column b))))))))

(defun dockgate-codes ()
  (mapcar (lambda (diagnostic) (alist-get 'code diagnostic)) (dockgate-diagnostics)))

(defun dockgate-wait-for (description predicate)
  "Let the server's messages in until PREDICATE holds, or fail naming DESCRIPTION."
  (let ((deadline (+ (float-time) dockgate-timeout)))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (error "Timed out waiting for %s" description))
      (accept-process-output nil 0.05)
      (flymake-start))))

(defun dockgate-record (name)
  (push (list (cons 'name name)
              (cons 'diagnostics (vconcat (dockgate-diagnostics)))
              (cons 'lines (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n" t))))
        dockgate-steps))

(defun dockgate-pick-default (_prompt _collection &optional _predicate _require _initial _history default &rest _)
  "Answer eglot's action menu as a user pressing RET would: the preferred action."
  default)

(defun dockgate-fix-all-on-save ()
  "As the README sets it up: all safe fixes before saving (no error when there is nothing to fix)."
  (add-hook 'before-save-hook
            (lambda () (ignore-errors (eglot-code-actions (point-min) (point-max) "source.fixAll.dockgate" t)))
            nil t))

(defun dockgate-session ()
  (let ((command (append (json-read-from-string (getenv "DOCKGATE_SERVER")) nil))
        (completing-read-function #'dockgate-pick-default)
        ;; A key, not a mouse event: eglot asks with `completing-read' rather than a popup menu.
        (last-nonmenu-event ?\r))
    ;; The README's set-up, with the server command of the Python under test.
    (add-to-list 'auto-mode-alist '("\\(?:Docker\\|Container\\)file\\'" . dockerfile-mode))
    (add-to-list 'eglot-server-programs
                 `(dockerfile-mode . (,@command :initializationOptions (:dockgate (:shellcheck :json-false)))))
    (add-hook 'dockerfile-mode-hook #'eglot-ensure)
    (add-hook 'dockerfile-mode-hook #'dockgate-fix-all-on-save)
    (find-file (getenv "DOCKERFILE"))
    (run-hooks 'post-command-hook)      ; eglot-ensure connects after the command that opened the file
    (dockgate-wait-for "the first diagnostics" (lambda () (member "DL4000" (dockgate-codes))))
    (dockgate-record "opened")
    ;; The quick fix for `run', as a user asking for actions on that line would get it.
    (goto-char (point-min))
    (search-forward "run")
    (eglot-code-actions (match-beginning 0) (match-end 0) "quickfix" t)
    (dockgate-wait-for "the diagnostics after the quick fix" (lambda () (not (member "DG1004" (dockgate-codes)))))
    (dockgate-record "quick fix")
    ;; Fix on save (the buffer is modified: the quick fix).
    (save-buffer)
    (dockgate-wait-for "the diagnostics after saving" (lambda () (not (member "DL4000" (dockgate-codes)))))
    (dockgate-record "saved")
    (eglot-shutdown (eglot-current-server))))

(let ((outcome (condition-case failure
                   (progn (dockgate-session) nil)
                 (error (format "%s; the buffer: %S; diagnostics: %S" (error-message-string failure)
                                (buffer-substring-no-properties (point-min) (point-max)) (dockgate-codes))))))
  (with-temp-file (getenv "RESULT")
    (insert (json-encode (list (cons 'steps (vconcat (reverse dockgate-steps)))
                               (cons 'error outcome))))))
(kill-emacs 0)
