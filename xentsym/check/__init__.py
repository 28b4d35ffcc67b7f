"""The two checks every step gets: symbolic (a certificate) and numeric (sampling)."""
