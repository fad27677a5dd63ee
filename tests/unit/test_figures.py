"""A campaign's figures: added field by field, negated, listed by name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wardfund.domain.figures import ZERO, CampaignFigures, total

amounts = st.integers(-10_000_000, 10_000_000)
figures = st.builds(
    CampaignFigures,
    raised=amounts,
    local_share=amounts,
    national_share=amounts,
    match=amounts,
    paid_out=amounts,
    launch_costs=amounts,
)
ONE = CampaignFigures(
    raised=1000, local_share=800, national_share=200, match=1000, paid_out=300, launch_costs=50
)


def test_figures_by_name() -> None:
    assert ONE.as_dict() == {
        "raised": 1000,
        "local_share": 800,
        "national_share": 200,
        "match": 1000,
        "paid_out": 300,
        "launch_costs": 50,
    }
    assert ONE.owed == 800 + 1000 + 50 - 300


def test_negated_is_every_figure_the_other_way() -> None:
    assert ONE.negated() == CampaignFigures(
        raised=-1000,
        local_share=-800,
        national_share=-200,
        match=-1000,
        paid_out=-300,
        launch_costs=-50,
    )
    assert ONE + ONE.negated() == ZERO


@given(figures, figures)
def test_sums_are_field_by_field(one: CampaignFigures, other: CampaignFigures) -> None:
    added = (one + other).as_dict()
    assert added == {name: one.as_dict()[name] + other.as_dict()[name] for name in added}
    assert total([one, other]) == one + other
    assert total([]) == ZERO
    assert total((one,)) == one
