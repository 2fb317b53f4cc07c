from pathlib import Path

from tests.i18n.template_check import check_all, check_template

ROOT = Path(__file__).resolve().parent.parent.parent


def test_no_user_facing_text_outside_the_translation_machinery():
    findings = check_all(ROOT)
    assert not findings, "Untranslatable text in templates:\n" + "\n".join(map(str, findings))


def test_the_check_catches_plain_text_and_attributes(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '{% load i18n %}<h1>Cases</h1><p>{% translate "Fine" %}</p>'
        '<input placeholder="Search here"><img alt="{% translate \'ok\' %}">'
        "{% blocktranslate %}Also fine {{ x }}{% endblocktranslate %}"
        "<script>var notText = 1;</script><span>{{ value }} · 42</span>"
        '<span translate="no">gender</span><b>Late</b>'
    )
    found = [f.text for f in check_template(bad, tmp_path)]
    assert found == ["Cases", "Search here", "Late"]
