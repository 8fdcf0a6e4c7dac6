"""Identity service: who a taxpayer is, how sure we are of it, and how they sign in."""
