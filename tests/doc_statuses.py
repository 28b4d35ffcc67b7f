"""Test helper: the statuses check-doc gives a Markdown file of displays, one per step."""
from xentsym.checkdoc import check_document


def statuses(tmp_path, displays, name="steps.md"):
    """Write each display as $$...$$ into one file and check it."""
    doc = tmp_path / name
    doc.write_text("\n\n".join(f"$$\n{d}\n$$" for d in displays) + "\n")
    return [s.status for s in check_document(str(doc)).steps]
