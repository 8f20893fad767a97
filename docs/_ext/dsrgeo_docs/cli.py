"""The command-line reference, read from the argparse parser of :mod:`dsrgeo.cli` at build time.

``.. dsrgeo-cli::`` walks the parser ``dsrgeo --help`` prints and gives every command and
subcommand a section (usage, description, a table of its arguments), so a new subcommand or
option appears without editing the docs.
"""

import argparse

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from dsrgeo_docs import nodes as n

#: Line width of the usage blocks (independent of the terminal the build runs in).
USAGE_WIDTH = 72


def _formatter(parser):
    return parser.formatter_class(prog=parser.prog, width=USAGE_WIDTH)


def usage(parser):
    """Return the parser's usage text, wrapped at :data:`USAGE_WIDTH`."""
    formatter = _formatter(parser)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _default(action):
    if action.default in (None, argparse.SUPPRESS) or isinstance(
        action, argparse._StoreConstAction | argparse._VersionAction | argparse._HelpAction
    ):
        return ""
    return repr(action.default) if isinstance(action.default, str) else str(action.default)


def arguments(parser):
    """Return (rows of the argument table, [(name, help, subparser), ...])."""
    formatter = _formatter(parser)
    rows, commands = [], []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            commands += [(name, helps.get(name), sub) for name, sub in action.choices.items()]
            continue
        if action.help == argparse.SUPPRESS:
            continue
        invocation = formatter._format_action_invocation(action)
        help_text = formatter._expand_help(action) if action.help else ""
        if action.required and action.option_strings:
            help_text = f"Required. {help_text}".strip()
        rows.append([n.literal(invocation), help_text, _default(action)])
    return rows, commands


class CliDirective(SphinxDirective):
    """``.. dsrgeo-cli::``: a section per command of ``dsrgeo``, nested as the parser is."""

    def run(self):
        """Return the sections of the root parser and its subcommands."""
        import dsrgeo.cli

        self.env.note_dependency(dsrgeo.cli.__file__)
        return self._sections(dsrgeo.cli._parser(), help_text=None, top=True)

    def _sections(self, parser, help_text, top=False):
        rows, commands = arguments(parser)
        body = [n.code_block(usage(parser), "text")]
        description = parser.description or help_text
        if description:
            body.append(n.paragraph(description))
        if rows:
            body.append(n.table(["argument", "meaning", "default"], rows, widths=[4, 8, 2]))
        if commands:
            listing = nodes.bullet_list()
            for name, help_, _ in commands:
                item = nodes.list_item()
                item += n.paragraph(n.literal(f"{parser.prog} {name}"), f": {help_ or ''}")
                listing += item
            body.append(listing)
        children = [
            section
            for _, help_, sub in commands
            for section in self._sections(sub, help_text=help_)
        ]
        if top:  # the root's commands are sections of the page itself
            return [*body, *children]
        return [n.section(self.state.document, parser.prog, *body, *children)]


def setup(app):
    """Register ``dsrgeo-cli``."""
    app.add_directive("dsrgeo-cli", CliDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
