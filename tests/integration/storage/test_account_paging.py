"""Paging accounts in the database (SQLite and PostgreSQL): the page, not every account."""

from __future__ import annotations

from territorial.domain import Account
from territorial.domain.users import Actor, Role
from territorial.services.actor import acting_as
from territorial.services.listing import list_accounts
from territorial.storage import UnitOfWork


def _seed(uow: UnitOfWork) -> list[str]:
    names = ["Acme", "Beta 100%", "Gamma_Co", "acme west", "Delta", "Epsilon"]
    ids = [f"A{k:02d}" for k in range(len(names))]
    with uow:
        uow.accounts.add_many([Account(i, n) for i, n in zip(ids, names, strict=True)])
        uow.commit()
    return ids


def test_pages_follow_the_external_id_and_count_every_match(uow: UnitOfWork) -> None:
    ids = _seed(uow)
    with uow:
        first, total = uow.accounts.page(2, 0)
        third, _ = uow.accounts.page(2, 4)
        everything, _ = uow.accounts.page(None)
    assert total == len(ids) and [a.external_id for a in first] == ids[:2]
    assert [a.external_id for a in third] == ids[4:]
    assert [a.external_id for a in everything] == ids


def test_search_is_a_literal_case_insensitive_substring(uow: UnitOfWork) -> None:
    _seed(uow)
    with uow:
        acme, n_acme = uow.accounts.page(10, 0, "ACME")
        percent, n_percent = uow.accounts.page(10, 0, "0%")
        under, n_under = uow.accounts.page(10, 0, "e_")
        literal, _ = uow.accounts.page(10, 0, "A_C")
        by_id, _ = uow.accounts.page(10, 0, "a05")
    assert [a.name for a in acme] == ["Acme", "acme west"] and n_acme == 2
    assert [a.name for a in percent] == ["Beta 100%"] and n_percent == 1  # % is no wildcard
    assert under == [] and n_under == 0  # nor is _ ("acme west", "beta" would match)
    assert [a.name for a in literal] == ["Gamma_Co"]
    assert [a.name for a in by_id] == ["Epsilon"]


def test_only_some_ids_page_within_them(uow: UnitOfWork) -> None:
    ids = _seed(uow)
    with uow:
        shown, total = uow.accounts.page(2, 1, None, {ids[0], ids[2], ids[3], ids[5]})
    assert total == 4 and [a.external_id for a in shown] == [ids[2], ids[3]]


def test_the_listing_service_pages_in_the_database(uow: UnitOfWork) -> None:
    ids = _seed(uow)
    with acting_as(Actor("max", Role.MANAGER)), uow:
        page = list_accounts(uow, limit=2, offset=2, search="a")
    assert page.total == 6 and [a.external_id for a in page.accounts] == ids[2:4]
