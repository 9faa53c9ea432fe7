"""Unit names as a plan writes them (市发改委, 各县(区)政府 …) → organisations and groups,
with suggestions for the names that match nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from fazhi.core.models import Organisation, OrgGroup
from fazhi.core.params import int_param
from fazhi.core.text import compact

ORG, GROUP, IGNORE = "org", "group", "ignore"


@dataclass(frozen=True)
class Candidate:
    kind: str  # ORG or GROUP
    id: int
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class UnitIndex:
    """Every name, short name and alias of active units and groups, compacted for comparing."""

    by_name: dict[str, Candidate] = field(default_factory=dict)
    candidates: dict[str, Candidate] = field(default_factory=dict)  # by key
    members: dict[int, list[int]] = field(default_factory=dict)  # group id → org ids

    @classmethod
    def load(cls) -> UnitIndex:
        index = cls()
        for org in Organisation.objects.filter(is_active=True).order_by("sort_order", "pk"):
            cand = Candidate(ORG, org.pk, org.name)
            index.candidates[cand.key] = cand
            for name in org.all_names():
                index.by_name.setdefault(compact(name), cand)
        for group in OrgGroup.objects.prefetch_related("members"):
            cand = Candidate(GROUP, group.pk, group.name)
            index.candidates[cand.key] = cand
            index.members[group.pk] = [m.pk for m in group.members.all() if m.is_active]
            for name in group.all_names():
                # A group name wins over a unit that happens to share it.
                index.by_name[compact(name)] = cand
        return index

    def match(self, name: str) -> Candidate | None:
        return self.by_name.get(compact(name))

    def suggest(self, name: str, limit: int = 5) -> list[Candidate]:
        """Closest names by character-bigram overlap (Dice), ties broken by single characters."""
        target = compact(name)
        scored: dict[str, float] = {}
        for written, cand in self.by_name.items():
            score = similarity(target, written)
            if score > scored.get(cand.key, 0.0):
                scored[cand.key] = score
        ranked = sorted(scored.items(), key=lambda item: -item[1])
        return [self.candidates[key] for key, score in ranked[:limit] if score > 0.2]

    def organisation_ids(self, key: str) -> list[int]:
        """The organisations a key ("org:ID" / "group:ID") stands for; none for a bad key."""
        kind, _, raw = key.partition(":")
        pk = int_param(raw)
        if kind == ORG and pk is not None:
            return [pk]
        if kind == GROUP and pk is not None:
            return list(self.members.get(pk, []))
        return []


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient over bigrams, with unigram overlap weighed in for short names."""
    if not a or not b:
        return 0.0
    ba, bb = _bigrams(a), _bigrams(b)
    bigram = 2 * len(ba & bb) / (len(ba) + len(bb)) if ba and bb else 0.0
    ua, ub = set(a), set(b)
    unigram = 2 * len(ua & ub) / (len(ua) + len(ub))
    return 0.7 * bigram + 0.3 * unigram


def resolve_names(names: list[str], index: UnitIndex) -> dict[str, dict[str, object]]:
    """For each distinct name: the automatic match (a key) or None, and suggestions."""
    out: dict[str, dict[str, object]] = {}
    for name in names:
        if name in out:
            continue
        found = index.match(name)
        out[name] = {
            "match": found.key if found else None,
            "suggestions": [] if found else [c.key for c in index.suggest(name)],
        }
    return out
