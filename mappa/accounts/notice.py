"""The acceptable-use and confidentiality notice every user accepts before using mappa.

Change NOTICE_VERSION whenever the text changes in substance: every user is then asked to
accept it again at their next page view, and the acceptance (user, version, time) is recorded.
The text itself is templates/accounts/notice_text.html.
"""

NOTICE_VERSION = 1
