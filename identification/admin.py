# Identification holds victims' answers: like cases, it is not exposed in the Django admin.
