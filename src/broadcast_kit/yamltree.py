"""Compose YAML text into nodes with limits checked while parsing, before anything expands.

PyYAML's own composer recurses once per nesting level (5,000 brackets raise RecursionError)
and shares an anchored node wherever it is aliased, so a "billion laughs" file of a few
hundred bytes becomes billions of values when constructed. This composer walks PyYAML's
event stream (its parser is iterative) with an explicit stack, and keeps for every finished
node its size and height with aliases expanded. A collection deeper than `MAX_YAML_DEPTH`,
or an alias that would take the file's repeated values past `MAX_YAML_ALIAS_NODES` or its
depth past the limit, is refused at its line at once, so no later stage ever walks more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.resolver import Resolver

from broadcast_kit.errors import ConfigError
from broadcast_kit.limits import MAX_YAML_ALIAS_NODES, MAX_YAML_DEPTH


@dataclass
class _Open:
    """A collection being composed."""

    node: yaml.SequenceNode | yaml.MappingNode
    anchor: str | None
    items: list[yaml.Node] = field(default_factory=list)
    size: int = 1  # nodes in it, aliases expanded
    height: int = 1  # collection levels, this one included, aliases expanded


@dataclass(frozen=True)
class _Done:
    node: yaml.Node
    size: int
    height: int


def compose(text: str, shown: str) -> yaml.Node | None:
    """The root node of the single YAML document in `text` (None when empty).

    `shown` names the file in errors. Malformed YAML raises yaml.YAMLError as PyYAML would;
    the limits raise ConfigError with `shown:line`.
    """
    resolver = Resolver()
    anchors: dict[str, _Done] = {}
    stack: list[_Open] = []
    root: _Done | None = None
    documents = 0
    repeated = 0  # nodes added by aliases so far

    def fail(mark: Any, message: str) -> ConfigError:
        return ConfigError(f"{shown}:{mark.line + 1}: {message}")

    def finish(done: _Done, anchor: str | None) -> None:
        nonlocal root
        if anchor is not None:
            anchors[anchor] = done
        if stack:
            parent = stack[-1]
            parent.items.append(done.node)
            parent.size += done.size
            parent.height = max(parent.height, done.height + 1)
        else:
            root = done

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        # PyYAML's stubs allow marks to be None; its pure-Python parser always sets them
        start: Any = event.start_mark
        end: Any = event.end_mark
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise fail(
                    start,
                    "malformed YAML: a second document ('---'); keep one document per file",
                )
        elif isinstance(event, yaml.AliasEvent):
            name = event.anchor
            if any(o.anchor == name for o in stack):
                raise fail(start, f"alias *{name} is inside &{name} itself; remove it")
            if name not in anchors:
                raise fail(start, f"alias *{name} has no anchor &{name} before it; define it")
            target = anchors[name]
            repeated += target.size
            if repeated > MAX_YAML_ALIAS_NODES:
                raise fail(
                    start,
                    f"alias *{name}: aliases would repeat more than {MAX_YAML_ALIAS_NODES:,}"
                    " values in this file (the limit); write the values out instead",
                )
            if len(stack) + target.height > MAX_YAML_DEPTH:
                raise fail(
                    start,
                    f"alias *{name} nests collections more than {MAX_YAML_DEPTH} deep;"
                    " flatten the file",
                )
            finish(_Done(target.node, target.size, target.height), None)
        elif isinstance(event, yaml.NodeEvent) and event.anchor in anchors:
            first = anchors[str(event.anchor)].node.start_mark.line + 1
            raise fail(start, f"anchor &{event.anchor} is already defined on line {first}")
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = _resolve(resolver, yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
            finish(_Done(node, 1, 0), event.anchor)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                raise fail(
                    start,
                    f"nested more than {MAX_YAML_DEPTH} deep (lists and mappings inside each"
                    " other); flatten the file",
                )
            mapping = isinstance(event, yaml.MappingStartEvent)
            kind = yaml.MappingNode if mapping else yaml.SequenceNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = _resolve(resolver, kind, None, event.implicit)
            collection = kind(tag, [], start, None, flow_style=event.flow_style)
            stack.append(_Open(collection, event.anchor))
        elif isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            done.node.end_mark = end
            items = done.items
            if isinstance(done.node, yaml.MappingNode):
                done.node.value = list(zip(items[::2], items[1::2], strict=True))
            else:
                done.node.value = items
            finish(_Done(done.node, done.size, done.height), done.anchor)
    return root.node if root is not None else None


def _resolve(resolver: Resolver, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
    """The tag PyYAML's safe loader gives an untagged node (str, int, bool, merge key...)."""
    tag: str = resolver.resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
    return tag
