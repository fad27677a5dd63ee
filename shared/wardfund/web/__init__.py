"""What wardfund serves to a browser: the ward night's live page (issue 17)."""
