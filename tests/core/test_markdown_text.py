"""core.markdown.markdown_text: a Markdown text's words without its marks (the extracts of the
library's and the search's result lists), the same whether kept in the per-process cache or not."""
from network_space.core.markdown import MAX_CACHED_LENGTH, _extract, markdown_text

SOURCE = "# Clause **sociale**\n\nUn *marché* de `travaux`,\nsur [deux lots](https://example.org).\n\n- 1 200 heures"


def test_an_extract_is_the_text_s_words_without_marks():
    assert markdown_text(SOURCE) == "Clause sociale Un marché de travaux, sur deux lots. 1 200 heures"
    assert markdown_text("") == markdown_text(None) == ""
    assert markdown_text("<script>alert(1)</script> **gras**") == "<script>alert(1)</script> gras"  # escaped by Jinja


def test_a_summary_is_parsed_once_per_process_and_a_long_text_is_not_kept():
    first = markdown_text(SOURCE + " (bis)")
    hits = _extract.cache_info().hits
    assert markdown_text(SOURCE + " (bis)") == first and _extract.cache_info().hits == hits + 1
    long = SOURCE + "\n\n" + "mot " * MAX_CACHED_LENGTH
    size = _extract.cache_info().currsize
    assert markdown_text(long).startswith("Clause sociale Un marché") and _extract.cache_info().currsize == size


def test_an_image_becomes_a_link_named_by_its_description():
    """No image from elsewhere is loaded (a tracking pixel tells who reads), and none is lost:
    its description, or its address, links to it; in an extract, its description is a word."""
    from network_space.core.markdown import render_markdown

    html = str(render_markdown("Le plan : ![plan du chantier](https://example.org/plan.png) et ![](https://example.org/b.png)"))
    assert "<img" not in html
    assert ('<a href="https://example.org/plan.png" rel="noopener noreferrer nofollow">plan du chantier</a>' in html
            and ">https://example.org/b.png</a>" in html)
    assert markdown_text("Le ![plan du chantier](https://example.org/plan.png) ici") == "Le plan du chantier ici"
