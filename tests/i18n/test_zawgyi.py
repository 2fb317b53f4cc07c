from django import forms

from textutils.zawgyi import ZawgyiCheckMixin, is_zawgyi, to_unicode

ZAWGYI = "ျမန္မာ"  # "Myanmar" typed in Zawgyi
UNICODE = "မြန်မာ"


class NameForm(ZawgyiCheckMixin, forms.Form):
    name = forms.CharField()


def test_detects_zawgyi_but_not_unicode_or_other_scripts():
    assert is_zawgyi(ZAWGYI)
    assert not is_zawgyi(UNICODE)
    assert not is_zawgyi("Sokha Pov") and not is_zawgyi("សុខា") and not is_zawgyi("")


def test_converts_to_unicode():
    assert to_unicode(ZAWGYI) == UNICODE


def test_form_offers_the_conversion_and_keeps_it_for_the_next_save():
    form = NameForm(data={"name": ZAWGYI})
    assert not form.is_valid()
    assert "Zawgyi" in form.errors["name"][0]
    assert form["name"].value() == UNICODE  # the field now shows the converted text
    again = NameForm(data=form.data)
    assert again.is_valid() and again.cleaned_data["name"] == UNICODE


def test_keep_as_typed():
    form = NameForm(data={"name": ZAWGYI, "keep_as_typed": "on"})
    assert form.is_valid() and form.cleaned_data["name"] == ZAWGYI
