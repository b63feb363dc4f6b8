"""The mediators' console: a web page for a tablet, phone or PC on the site's
network, fed live from the site bus. No personal data on it."""
