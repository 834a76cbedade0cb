"""Click SHOP API: Click calls Prepare and Complete (form-encoded, MD5 `sign_string`)."""
