"""Text utilities that no domain app owns: pure functions over strings (and the form mixin
built on them), importing nothing from Homeward's apps.

- ``textutils.zawgyi``: Burmese typed in the legacy Zawgyi encoding — detection, conversion
  to Unicode, and ``ZawgyiCheckMixin`` for forms."""
