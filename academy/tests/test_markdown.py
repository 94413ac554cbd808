from academy.markdown import render


def test_the_top_heading_becomes_level_three_and_the_order_is_kept():
    html = render("## Osa\n\n### Kohta\n\ntekstiä")
    assert "<h3>Osa</h3>" in html
    assert "<h4>Kohta</h4>" in html


def test_scripts_styles_and_script_links_are_removed():
    html = render('<script>alert(1)</script><p style="x" onclick="y">a</p>[b](javascript:z)')
    assert "<script" not in html
    assert "onclick" not in html
    assert "style=" not in html
    assert "javascript:" not in html
