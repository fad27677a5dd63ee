"""wardfund: ward-assembly donations shared between a national body and local campaigns."""
