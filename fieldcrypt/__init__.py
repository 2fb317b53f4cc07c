"""Field-level encryption at rest and blind indexes (no domain app owns this package).

- ``fieldcrypt.keys``: the keys, from the environment (``HOMEWARD_FIELD_KEYS``,
  ``HOMEWARD_BLIND_INDEX_KEYS``), fail closed.
- ``fieldcrypt.cipher``: AES-256-GCM encrypt/decrypt of one value, carrying version and key id.
- ``fieldcrypt.fields``: model fields that store ciphertext (``EncryptedCharField``,
  ``EncryptedTextField``, ``EncryptedPhoneNumberField``).
- ``fieldcrypt.blind``: keyed HMACs of normalised values (names, phones, document numbers).

See docs/security.md ("Data at rest").
"""
