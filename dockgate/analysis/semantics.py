"""What a parsed Dockerfile means: its stages and the variables each instruction sees.

Rules ask questions such as "which stage is this instruction in", "does this
FROM name an earlier stage", "what does `$VERSION` expand to here" and "is
`$FOO` defined here". The answers follow BuildKit's dispatcher
(moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go) and reference
§B6:

* ARGs before the first FROM are global. Only FROM lines see them (image and
  `--platform`), together with the automatic platform ARGs. Their defaults
  are expanded in order, each seeing the ones before it.
* Inside a stage the environment starts from the base: the parent stage's
  final environment for `FROM <stage>`, `PATH` for `scratch`, and for an
  external image whatever its config holds (unknown here).
* Each instruction sees the environment from before it. ENV expands all its
  pairs first and then sets them; ARG sets its names one by one, so
  `ARG a=1 b=$a` gives b the new a. A bare `ARG NAME` takes the global
  value of NAME if there is one; otherwise it declares NAME without setting
  it. Whichever of ARG and ENV sets a name last wins.

A value is what BuildKit computes when no `--build-arg` is passed, or None
when it depends on something the file does not fix: an ARG without default,
a platform ARG, the base image's environment. `Evaluation.with_defaults`
still gives BuildKit's result then, with those parts left unset.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Generic, Iterator, Mapping, NamedTuple, TypeVar, cast

from dockgate.analysis.stage_references import FromReference, from_references
from dockgate.dockerfile.expansion import ExpansionError, ShellLexer
from dockgate.dockerfile.model import Document, Instruction, Word
from dockgate.errors import kept_as_result

AUTOMATIC_PLATFORM_ARGS = (
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
)
"""Global ARGs BuildKit defines itself; their values depend on the build, so they are unknown here."""

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""The PATH BuildKit gives a Linux `scratch` stage."""

SCRATCH = "scratch"

# Stands for a value the build may choose while stage references are matched against stage names.
_WILDCARD = "\x00"

# BuildKit never puts these into the environment and never reports them as undefined (convert.go nonEnvArgs).
_NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})

# COPY/ADD heredoc bodies are expanded with a backslash lexer that leaves quotes alone (convert.go ExpandRaw).
_HEREDOC_LEXER = ShellLexer("\\", skip_quotes=True)


class Evaluation(NamedTuple):
    """A piece of text expanded the way BuildKit expands it at one point of the file."""

    text: str
    """The text as written (quotes and escapes still in it)."""
    value: str | None
    """The result, or None when it depends on a value the file does not fix, or expansion failed."""
    with_defaults: str
    """BuildKit's result with no build arguments, unknown values taken as unset; the text itself on error."""
    referenced: list[str]
    """Every variable name used, first use first."""
    undefined: list[str]
    """Names used that nothing in scope sets or declares: what BuildKit's UndefinedVar and
    UndefinedArgInFrom report (fallback forms such as `${NAME:-x}` included, as BuildKit does).
    In a stage whose base image is unknown, the image may still define them."""
    error: ExpansionError | None


class Definition(NamedTuple):
    """One name that an ARG, ENV or LABEL instruction sets."""

    key: str
    """The name as BuildKit stores it (ENV and LABEL keys are expanded too)."""
    word: Word
    """Where it is written: the key of an ENV/LABEL pair, the whole `NAME[=default]` word of an ARG."""
    value: Evaluation | None
    """The value, expanded; None for a bare `ARG NAME`."""


class Stage:
    """A FROM and the instructions up to the next FROM."""

    __slots__ = (
        "index",
        "name",
        "name_word",
        "from_instruction",
        "base_name",
        "base_name_known",
        "base_stage",
        "instructions",
        "base_candidates",
    )

    index: int
    name: str | None
    """The name after AS, lower-cased as BuildKit compares it."""
    name_word: Word | None
    """The name as written, for positions."""
    from_instruction: Instruction
    base_name: str
    """The image text after expanding global ARG defaults (unknown values taken as empty)."""
    base_name_known: bool
    """False when `base_name` depends on an ARG without default or a platform ARG."""
    base_stage: Stage | None
    """The earlier stage the FROM names, if it names one."""
    instructions: list[Instruction]
    """The instructions after the FROM, in order (ONBUILD triggers stay inside their ONBUILD)."""
    base_candidates: tuple[Stage, ...]
    """Every earlier stage the FROM may name once build arguments are given: `FROM base-$TARGETARCH`
    with stages `base-amd64` and `base-arm64` names both. Holds `base_stage` when that is set."""

    def __init__(
        self,
        index: int,
        name: str | None,
        name_word: Word | None,
        from_instruction: Instruction,
        base_name: str,
        base_name_known: bool,
        base_stage: Stage | None,
        instructions: list[Instruction],
        base_candidates: tuple[Stage, ...] = (),
    ) -> None:
        self.index = index
        self.name = name
        self.name_word = name_word
        self.from_instruction = from_instruction
        self.base_name = base_name
        self.base_name_known = base_name_known
        self.base_stage = base_stage
        self.instructions = instructions
        self.base_candidates = base_candidates

    @property
    def builds_on_stage(self) -> bool:
        """Whether the FROM names (or, depending on build arguments, may name) a stage of this file."""
        return bool(self.base_candidates)


# (name, exact value or None when unknown, value in a build without build arguments or None when unset)
_Setting = tuple[str, str | None, str | None]

_Value = TypeVar("_Value")


class _History(Generic[_Value]):
    """What each name was set to along one line of scope changes.

    Every version of it reads as a mapping (`_Version`) without a copy, so a file
    with thousands of ARG and ENV instructions costs memory in proportion to them,
    not to their square. Entries per name: (version, set or removed, value).
    """

    __slots__ = ("entries", "newest")

    def __init__(self, initial: Mapping[str, _Value]) -> None:
        self.entries: dict[str, list[tuple[int, bool, _Value | None]]] = {
            name: [(0, True, value)] for name, value in initial.items()
        }
        self.newest = 0

    def lookup(self, name: str, version: int) -> tuple[bool, _Value | None]:
        """Whether `name` is set at `version`, and to what."""
        entries = self.entries.get(name)
        if not entries:
            return False, None
        if entries[-1][0] > version:
            index = bisect_right(entries, version, key=lambda entry: entry[0]) - 1
            if index < 0:
                return False, None
            return entries[index][1], entries[index][2]
        return entries[-1][1], entries[-1][2]


class _Version(Mapping[str, _Value]):
    """The names set at one version of a history, as a read-only mapping."""

    __slots__ = ("history", "version")

    def __init__(self, history: _History[_Value], version: int) -> None:
        self.history = history
        self.version = version

    @classmethod
    def of(cls, initial: Mapping[str, _Value]) -> _Version[_Value]:
        return cls(_History(initial), 0)

    def __getitem__(self, name: str) -> _Value:
        found, value = self.history.lookup(name, self.version)
        if not found:
            raise KeyError(name)
        return cast(_Value, value)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.history.lookup(name, self.version)[0]

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.history.entries if self.history.lookup(name, self.version)[0])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def changed(self, updates: list[tuple[str, bool, _Value | None]]) -> _Version[_Value]:
        """A new version with `updates` (name, set or removed, value) applied; this one stays as it is."""
        history = self.history
        if self.version != history.newest:
            # A second line of changes from the same version (two stages on one base stage): start a new history.
            history = _History(dict(self))
        version = history.newest + 1
        for name, is_set, value in updates:
            history.entries.setdefault(name, []).append((version, is_set, value))
        history.newest = version
        return _Version(history, version)


class _Scope:
    """The variables visible at one point; shared by instructions until an ARG or ENV changes them.

    Two views: `values` holds every declared name with its exact value (None
    when the file does not fix it); `defaults` is the environment BuildKit
    has in a build without build arguments, with unknown values left unset.
    """

    __slots__ = ("values", "defaults", "base_unknown")

    def __init__(self, values: _Version[str | None], defaults: _Version[str], base_unknown: bool) -> None:
        self.values = values
        self.defaults = defaults
        self.base_unknown = base_unknown

    @classmethod
    def of(cls, values: dict[str, str | None], defaults: dict[str, str], base_unknown: bool) -> _Scope:
        return cls(_Version.of(values), _Version.of(defaults), base_unknown)

    def changed(self, settings: list[_Setting]) -> _Scope:
        values = self.values.changed([(name, True, value) for name, value, _ in settings])
        defaults = self.defaults.changed([(name, default is not None, default) for name, _, default in settings])
        return _Scope(values, defaults, self.base_unknown)


class SemanticModel:
    """Stages and variable scopes of one Document, computed on first use."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._lexer = ShellLexer(document.escape)
        self.stages: list[Stage] = []
        self.global_args: dict[str, str | None] = {}
        # ARGs before the first FROM: name -> expanded default, None when it has none or it is unknown.
        self._stage_by_instruction: dict[int, Stage] = {}
        self._scope_by_instruction: dict[int, _Scope] = {}
        self._definitions: dict[int, list[Definition]] = {}
        self._global_scope = _Scope.of(dict.fromkeys(AUTOMATIC_PLATFORM_ARGS), {}, base_unknown=False)
        # Global names with a value, which a bare `ARG NAME` in a stage takes over.
        self._imports: dict[str, _Setting] = {name: (name, None, None) for name in AUTOMATIC_PLATFORM_ARGS}
        self._stage_scopes_done = False
        self._consumed: set[int] | None = None
        self._chains: list[tuple[Stage, frozenset[str]]] | None = None
        self._stage_by_name: dict[str, Stage] | None = None
        self._read_structure()

    # ------------------------------------------------------------ stages

    @property
    def final_stage(self) -> Stage | None:
        """The stage a build without `--target` produces."""
        return self.stages[-1] if self.stages else None

    def consumed_stages(self) -> set[int]:
        """Indexes of the stages another stage builds on (`FROM`), copies from (`COPY --from`)
        or mounts (`RUN --mount=from=`): intermediate stages, not results."""
        if self._consumed is None:
            consumed: set[int] = set()
            for stage in self.stages:
                consumed.update(candidate.index for candidate in stage.base_candidates)
                for source in self.stages_used_by(stage):
                    if source is not stage:
                        consumed.add(source.index)
            self._consumed = consumed
        return self._consumed

    def stages_used_by(self, stage: Stage) -> list[Stage]:
        """The stages the instructions of `stage` copy from (`COPY --from`) or mount (`RUN
        --mount=from=`), every candidate of a reference that depends on build arguments included."""
        used: dict[int, Stage] = {}
        for instruction in stage.instructions:
            for reference in self.from_references(instruction):
                for source in self.reference_candidates(instruction, reference.text, reference.value):
                    used.setdefault(source.index, source)
        return list(used.values())

    def reference_candidates(self, instruction: Instruction, text: str, value: str | None) -> list[Stage]:
        """The stages a `--from` value may name: the one its value names, or, when the value depends
        on something the file does not fix, every stage whose name fits what is fixed."""
        if value is not None:
            stage = self.resolve_stage(value)
            return [stage] if stage is not None else []
        try:
            scope = self._scope_before(instruction)
        except ValueError:
            return []
        wildcards = {name: _WILDCARD for name, known in scope.values.items() if known is None}
        defaults = {**dict(scope.defaults), **wildcards}
        # Stage names in `--from` are compared case-insensitively (convert.go findStateByName).
        return self._fitting(self.stages, text, defaults, fold_case=True)

    def _fitting(
        self, stages: list[Stage], text: str, environment: Mapping[str, str], *, fold_case: bool = False
    ) -> list[Stage]:
        """The named stages among `stages` whose name `text` gives for some values of the wildcards
        (none when the result is not part fixed text, part wildcard)."""
        try:
            expanded = self._lexer.process_word(text, environment).value
        except ExpansionError:
            return []
        if _WILDCARD not in expanded or not expanded.replace(_WILDCARD, ""):
            return []  # a name fixed by the file, or one the build gives whole (`FROM $BASE`): no pattern
        if fold_case:
            expanded = expanded.lower()
        pattern = re.compile(".*".join(re.escape(part) for part in expanded.split(_WILDCARD)))
        return [stage for stage in stages if stage.name is not None and pattern.fullmatch(stage.name)]

    def stage_of(self, instruction: Instruction) -> Stage | None:
        """The stage an instruction belongs to (an ONBUILD trigger: its ONBUILD's); None before the first FROM."""
        return self._stage_by_instruction.get(id(instruction))

    def resolve_stage(self, reference: str) -> Stage | None:
        """The stage that `COPY --from=<reference>` or `--mount=from=<reference>` means, if any.

        A number is a stage index; a name is compared case-insensitively and
        a later stage with the same name wins (convert.go findStateByName).
        """
        digits = reference[1:] if reference[:1] in ("+", "-") else reference
        if digits.isascii() and digits.isdigit():
            index = int(reference)
            return self.stages[index] if 0 <= index < len(self.stages) else None
        if self._stage_by_name is None:
            # Later stages overwrite earlier ones of the same name.
            self._stage_by_name = {stage.name: stage for stage in self.stages if stage.name is not None}
        return self._stage_by_name.get(reference.lower())

    def is_stage_reference(self, reference: str) -> bool:
        """Whether `--from=<reference>` means a stage of this file rather than an image."""
        return self.resolve_stage(reference) is not None

    def is_base_image_unknown(self, stage: Stage) -> bool:
        """True when the stage chain starts from an external image, whose environment could define anything."""
        root = self._chain(stage)[0]
        return not root.base_name_known or root.base_name != SCRATCH

    def keywords_in_chain(self, stage: Stage) -> frozenset[str]:
        """The instruction keywords of `stage` and of every stage it builds on (`FROM <stage>`)."""
        return self._chain(stage)[1]

    def _chain(self, stage: Stage) -> tuple[Stage, frozenset[str]]:
        """The stage its chain starts from, and the keywords along the chain; once per file, not per stage and call."""
        if self._chains is None:
            chains: list[tuple[Stage, frozenset[str]]] = []
            for each in self.stages:  # a base stage always comes earlier in the file
                keywords = frozenset(instruction.keyword for instruction in each.instructions)
                if each.base_stage is None:
                    chains.append((each, keywords))
                else:
                    root, inherited = chains[each.base_stage.index]
                    chains.append((root, inherited | keywords))
            self._chains = chains
        return self._chains[stage.index]

    # ------------------------------------------------------------ variables

    def variables_before(self, instruction: Instruction) -> Mapping[str, str | None]:
        """The variables BuildKit expands this instruction with: name -> value, None when unknown.

        A FROM sees the global ARGs and the automatic platform ARGs; an
        instruction in a stage sees the stage environment as it is just
        before the instruction.
        """
        return self._scope_before(instruction).values

    def from_references(self, instruction: Instruction) -> Iterator[FromReference]:
        """What the instruction's `COPY --from=` and `RUN --mount=...,from=` name, expanded."""
        return from_references(self.document, self._expanded_value, instruction)

    def _expanded_value(self, instruction: Instruction, text: str) -> str | None:
        return self.expand_in(instruction, text).value

    def expand_in(self, instruction: Instruction, text: str, *, heredoc: bool = False) -> Evaluation:
        """Expand `text` with the variables visible to `instruction`.

        `heredoc=True` expands a COPY/ADD heredoc body the way BuildKit does:
        backslash escapes whatever the escape directive says, quotes are
        ordinary characters.
        """
        lexer = _HEREDOC_LEXER if heredoc else self._lexer
        return self._evaluate(text, self._scope_before(instruction), lexer)

    def definitions(self, instruction: Instruction) -> list[Definition]:
        """The names an ARG, ENV or LABEL sets, each value expanded as BuildKit does (in order)."""
        if instruction.keyword not in ("ARG", "ENV", "LABEL"):
            return []
        scope = self._scope_before(instruction)
        found = self._definitions.get(id(instruction))
        if found is None:
            # An ONBUILD trigger: it does not run in this build, so it changes nothing in scope.
            imports = self._imports if self.stage_of(instruction) is not None else None
            found = self._define(instruction, scope, imports)[0]
            self._definitions[id(instruction)] = found
        return found

    # ------------------------------------------------------------ building the model

    def _read_structure(self) -> None:
        """Split the file into the global part and stages; evaluate global ARGs and FROM lines."""
        by_name: dict[str, Stage] = {}
        stage: Stage | None = None
        for instruction in self.document.instructions:
            if instruction.keyword == "FROM":
                stage = self._new_stage(instruction, by_name)
                self.stages.append(stage)
                if stage.name is not None:
                    by_name[stage.name] = stage
            elif stage is None:
                self._set_scope(instruction, self._global_scope)
                if instruction.keyword == "ARG":
                    self._read_global_arg(instruction)
            else:
                stage.instructions.append(instruction)
            if stage is not None:
                self._stage_by_instruction[id(instruction)] = stage
                if instruction.sub is not None:
                    self._stage_by_instruction[id(instruction.sub)] = stage

    def _read_global_arg(self, instruction: Instruction) -> None:
        definitions, self._global_scope = self._define(instruction, self._global_scope, imports=None)
        self._definitions[id(instruction)] = definitions
        for definition in definitions:
            if definition.value is not None:
                self.global_args[definition.key] = definition.value.value
                self._imports[definition.key] = _setting(definition.key, definition.value)
            else:
                self.global_args.setdefault(definition.key, None)

    def _new_stage(self, instruction: Instruction, by_name: dict[str, Stage]) -> Stage:
        self._set_scope(instruction, self._global_scope)
        args = instruction.args
        image = self._evaluate(args[0].value, self._global_scope, self._lexer) if args else None
        base_name = image.with_defaults if image is not None else ""
        name_word = args[2] if len(args) >= 3 and args[1].value.lower() == "as" else None
        # BuildKit looks the expanded text up as is among the lower-cased names of the
        # stages before this one (convert.go addState): `FROM Build` is not stage `build`.
        base_stage = by_name.get(base_name)
        candidates: tuple[Stage, ...] = (base_stage,) if base_stage is not None else ()
        if args and "$" in args[0].value:
            # Any global ARG (platform ARGs included) can be given another value with --build-arg.
            wildcards = dict.fromkeys([*AUTOMATIC_PLATFORM_ARGS, *self.global_args], _WILDCARD)
            fitting = [stage for stage in self._fitting(self.stages, args[0].value, wildcards) if stage.name in by_name]
            candidates = tuple(dict.fromkeys([*candidates, *fitting]))
        return Stage(
            index=len(self.stages),
            name=name_word.value.lower() if name_word is not None else None,
            name_word=name_word,
            from_instruction=instruction,
            base_name=base_name,
            base_name_known=image is not None and image.value is not None,
            base_stage=base_stage,
            instructions=[],
            base_candidates=candidates,
        )

    def _scope_before(self, instruction: Instruction) -> _Scope:
        if not self._stage_scopes_done:
            self._walk_stages()
        scope = self._scope_by_instruction.get(id(instruction))
        if scope is None:
            raise ValueError("the instruction is not part of this model's document")
        return scope

    def _set_scope(self, instruction: Instruction, scope: _Scope) -> None:
        """An ONBUILD trigger is expanded with the scope of its ONBUILD."""
        self._scope_by_instruction[id(instruction)] = scope
        if instruction.sub is not None:
            self._scope_by_instruction[id(instruction.sub)] = scope

    def _walk_stages(self) -> None:
        """Give every instruction in a stage the scope before it, in file order."""
        self._stage_scopes_done = True
        final_scopes: list[_Scope] = []
        for stage in self.stages:
            if stage.base_stage is not None:
                scope = final_scopes[stage.base_stage.index]
            elif stage.base_name_known and stage.base_name == SCRATCH:
                scope = _Scope.of({"PATH": DEFAULT_PATH}, {"PATH": DEFAULT_PATH}, base_unknown=False)
            else:
                scope = _Scope.of({"PATH": None}, {}, base_unknown=True)
            for instruction in stage.instructions:
                self._set_scope(instruction, scope)
                if instruction.keyword in ("ARG", "ENV", "LABEL"):
                    definitions, scope = self._define(instruction, scope, self._imports)
                    self._definitions[id(instruction)] = definitions
            final_scopes.append(scope)

    def _define(
        self, instruction: Instruction, scope: _Scope, imports: Mapping[str, _Setting] | None
    ) -> tuple[list[Definition], _Scope]:
        """The definitions of an ARG/ENV/LABEL and the scope after it.

        `imports` are the global values a bare stage ARG takes; None in the
        global part, where a bare ARG only declares.
        """
        if instruction.keyword == "ARG":
            return self._define_args(instruction, scope, imports)
        definitions = []
        args = instruction.args
        for index in range(0, len(args) - 1, 3):
            key_word, value_word = args[index], args[index + 1]
            key = self._evaluate(key_word.value, scope, self._lexer).value
            value = self._evaluate(value_word.value, scope, self._lexer)
            definitions.append(Definition(key if key is not None else key_word.value, key_word, value))
        if instruction.keyword == "LABEL":
            return definitions, scope
        settings = [_setting(definition.key, definition.value) for definition in definitions if definition.value]
        return definitions, scope.changed(settings) if settings else scope

    def _define_args(
        self, instruction: Instruction, scope: _Scope, imports: Mapping[str, _Setting] | None
    ) -> tuple[list[Definition], _Scope]:
        definitions = []
        for word in instruction.args:
            key, equals, default = word.value.partition("=")
            if equals:
                evaluation = self._evaluate(default, scope, self._lexer)
                definitions.append(Definition(key, word, evaluation))
                if key not in _NON_ENV_ARGS:
                    scope = scope.changed([_setting(key, evaluation)])
                continue
            definitions.append(Definition(key, word, None))
            if imports is not None and key in imports:
                scope = scope.changed([imports[key]])
            elif key not in scope.values:
                # Declared without a value: not in BuildKit's environment, but no longer undefined.
                scope = scope.changed([(key, None, None)])
        return definitions, scope

    def _evaluate(self, text: str, scope: _Scope, lexer: ShellLexer) -> Evaluation:
        try:
            expansion = lexer.process_word(text, scope.defaults)
        except ExpansionError as error:
            return Evaluation(text, None, text, [], [], kept_as_result(error))
        values = scope.values
        undefined = [name for name in expansion.unset if name not in values and name not in _NON_ENV_ARGS]
        unknown = any(name in values and values[name] is None for name in expansion.referenced) or (
            scope.base_unknown and bool(undefined)
        )
        return Evaluation(
            text=text,
            value=None if unknown else expansion.value,
            with_defaults=expansion.value,
            referenced=expansion.referenced,
            undefined=undefined,
            error=None,
        )


def _setting(name: str, evaluation: Evaluation) -> _Setting:
    return name, evaluation.value, evaluation.with_defaults
