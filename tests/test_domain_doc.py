"""docs/DOMAIN.md is the domain document the code cites: every citation points at a section that
exists, and the code names in its glossary are real."""

import importlib
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "DOMAIN.md").read_text()
SKIP = {".venv", ".tools", ".git", "var", "node_modules", "test-artifacts", ".hypothesis"}


def _sections() -> tuple[set[str], set[str]]:
    """(numbers like "3" and "1.5", lower-cased titles) of the document's headings."""
    numbers, titles = set(), set()
    for title in re.findall(r"^#{2,3} (.+)$", DOC, flags=re.M):
        number = re.match(r"(\d+(?:\.\d+)?)\.? ", title)
        if number:
            numbers.add(number.group(1))
            title = title[number.end() :]
        titles.add(title.strip().lower())
    return numbers, titles


def _citations():
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".md", ".po", ".html"} or SKIP & set(path.parts):
            continue
        if path == ROOT / "docs" / "DOMAIN.md":
            continue
        text = path.read_text(errors="ignore")
        for match in re.finditer(
            r"DOMAIN(?:\.md)?[,:]?\s*(§\s*[\d.–-]+|routing rule|step \d|\"\w+\")", text
        ):
            yield path.relative_to(ROOT), match.group(1)


def test_the_code_cites_the_domain_document_and_it_exists():
    assert len(list(_citations())) >= 20


def test_every_citation_points_at_a_section_of_the_document():
    numbers, titles = _sections()
    broken = []
    for path, cited in _citations():
        if cited.startswith("§"):
            first, _, last = cited.strip("§ .").partition("–")
            wanted = [first.rstrip("."), *([last] if last else [])]
            if not all(n in numbers for n in wanted):
                broken.append(f"{path}: {cited}")
        elif cited.startswith("step"):
            if f"| {cited.split()[1]} |" not in DOC:
                broken.append(f"{path}: {cited}")
        elif cited.strip('"').lower() not in titles:
            broken.append(f"{path}: {cited}")
    assert broken == []


def test_the_document_has_the_sections_the_code_relies_on():
    numbers, titles = _sections()
    assert {"1", "1.2", "1.3", "1.5", "2", "3", "4", "5", "6"} <= numbers
    assert {"coordinates", "routing rule", "glossary"} <= titles


def test_the_code_names_in_the_glossary_exist():
    glossary = DOC.split("## 6. Glossary", 1)[1]
    labels = {config.label for config in apps.get_app_configs()}
    checked = 0
    for name in re.findall(r"`([a-z_]+\.[A-Za-z_.]+)`", glossary):
        label, _, rest = name.partition(".")
        if label not in labels:
            continue
        head = rest.split(".")[0]
        if head[:1].isupper():
            apps.get_model(label, head)
        else:
            module = importlib.import_module(f"{label}.{head}")
            for attribute in rest.split(".")[1:]:
                module = getattr(module, attribute)
        checked += 1
    assert checked >= 20
