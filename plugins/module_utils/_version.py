# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This file is private to the alibabacloud.sae collection and is not a public API: it may change
# in any release without notice. Do not import it from other collections.

"""The collection's version, the one place it is written in Python: it must equal ``version`` in
``galaxy.yml`` (a unit test compares them)."""

from __future__ import annotations

COLLECTION_VERSION = '1.2.0'
