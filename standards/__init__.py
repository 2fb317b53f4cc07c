"""The field's data standards (HTCDS 2.0, CTDC): declarations shared by exports and imports."""
