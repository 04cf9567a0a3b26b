"""rules/common"""
