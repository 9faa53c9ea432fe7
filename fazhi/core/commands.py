"""The base of every `fazhi` command: a refusal or a failure is one Chinese line on stderr
and a non-zero exit code, never a traceback (``--traceback`` still shows one)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Refused(CommandError):
    """What a command prints as ``错误：…``."""


# Django prints a CommandError as "<class name>: <message>" (run_from_argv).
Refused.__name__ = "错误"

_ARGPARSE = (
    (re.compile(r"^the following arguments are required: (.+)$"), "缺少必需的参数：{0}"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "无法识别的参数：{0}"),
    (re.compile(r"^argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)$"),
     "参数 {0} 的取值“{1}”无效，可选：{2}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "参数 {0} 需要一个值"),
    (re.compile(r"^argument (\S+): invalid int value: '(.*)'$"), "参数 {0} 应为整数，实际为“{1}”"),
    (re.compile(r"^argument (\S+): (.+)$"), "参数 {0}：{1}"),
)  # fmt: skip


def argparse_message(message: str) -> str:
    """argparse's English usage errors, in Chinese."""
    for pattern, template in _ARGPARSE:
        found = pattern.match(message)
        if found:
            return template.format(*found.groups())
    return message


class _Parser(CommandParser):
    def format_usage(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(
            self.usage, self._actions, self._mutually_exclusive_groups, prefix="用法："
        )
        return formatter.format_help()

    def error(self, message: str) -> NoReturn:
        text = argparse_message(message)
        if not self.called_from_command_line:
            raise Refused(text)
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{text}\n")


def _chinese(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` and its sub-parsers (``fazhi laws search``) Chinese usage errors."""
    parser.__class__ = _Parser  # the same state, another error()
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _chinese(sub)


class Command(BaseCommand):
    """Subclass this instead of Django's BaseCommand."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _chinese(parser)
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except Refused:
            raise
        except CommandError as exc:
            raise Refused(str(exc), returncode=exc.returncode) from exc
        except ValidationError as exc:
            raise Refused("；".join(exc.messages)) from exc
        except Exception as exc:
            if options.get("traceback"):
                raise
            raise Refused(
                f"命令未完成（{type(exc).__name__}：{exc}）。加 --traceback 可查看详细信息"
            ) from exc
