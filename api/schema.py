"""OpenAPI post-processing: every operation documents the errors it can answer, in the one
error body format (api/exceptions.py), so clients and schemathesis know what to expect."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "not_found"},
                "message": {"type": "string", "example": "Not found."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Messages per field (validation errors only).",
                },
            },
        }
    },
}

ERRORS = {
    "400": "Validation error: messages per field.",
    "401": "Not authenticated, or an invalid, expired or revoked token.",
    "403": "You may see this case but not do this to it.",
    "404": "Not found — or not yours to see (the same answer, so references do not leak).",
    "422": "The Idempotency-Key was used with a different request.",
    "429": "Too many requests: slow down (rate limit per token and on the token endpoint).",
}


ERROR_EXAMPLES = {
    "400": {
        "code": "validation_error",
        "message": "Some fields are not valid.",
        "fields": {"urgency": ['"whenever" is not a valid choice.']},
    },
    "401": {"code": "authentication_failed", "message": "Invalid, expired or revoked token."},
    "403": {
        "code": "permission_denied",
        "message": "You do not have permission to perform this action.",
    },
    "404": {"code": "not_found", "message": "Not found."},
    "422": {
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was used with a different request.",
    },
    "429": {"code": "throttled", "message": "Request was throttled."},
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code == "422" and method != "post":
                    continue
                response = responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    },
                )
                content = response.setdefault("content", {}).setdefault(
                    "application/json", {"schema": ref}
                )
                content.setdefault("examples", {})[f"error{code}"] = {
                    "summary": description,
                    "value": {"error": ERROR_EXAMPLES[code]},
                }
    return result
