"""The select widget renders its options without a template per option, with the same
markup and escaping as Django's own."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django_countries.fields import CountryField


class Form(forms.Form):
    country = CountryField(blank=True).formfield()
    pick = forms.ChoiceField(choices=[("a", "<b>A</b>"), ("b", 'B "quoted"')])
    grouped = forms.ChoiceField(choices=[("Group <1>", [("x", "X")]), ("y", "Y")])


def test_same_html_as_djangos_own_widget():
    ours = Form(initial={"country": "KH", "pick": "b"})
    django = Form(initial={"country": "KH", "pick": "b"}, renderer=DjangoTemplates())
    for name in ("country", "pick", "grouped"):
        assert _norm(str(ours[name])) == _norm(str(django[name])), name


def test_escaping_and_selection():
    html = str(Form(initial={"pick": "b"})["pick"])
    assert "&lt;b&gt;A&lt;/b&gt;" in html and "<b>" not in html
    assert '<option value="b" selected>B &quot;quoted&quot;</option>' in html


def _norm(html: str) -> str:
    return " ".join(html.split()).replace("> <", "><")
