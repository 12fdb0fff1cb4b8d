"""The desk's arithmetic against docs/DESIGN.md « Desk », to the cent: worked examples with their
arithmetic in comments (checked by hand with a calculator, to 4 significant digits at least), then the
properties every payment keeps."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.desk.payments import finance, lease, per_frequency, price_for_payment


def test_finance_with_a_trade_in_and_its_lien():
    # taxable = 30 000 + 1 000 fees − 8 000 allowance = 23 000
    # TPS = 23 000 × 5 % = 1 150,00; TVQ = 23 000 × 9,975 % = 2 294,25
    # cash price = 23 000 + 1 150 + 2 294,25 + 100 untaxed fees + 5 000 lien = 31 544,25
    # financed = 31 544,25 − 2 000 down = 29 544,25; r = 6,99 % / 12 = 0,005825; n = 72
    # (1 + r)^−72 ≈ 0,658242; payment = 29 544,25 × 0,005825 / 0,341758 ≈ 503,558 → 503,56
    # cost of credit = 503,56 × 72 − 29 544,25 = 6 712,07
    result = finance(selling_price=D("30000"), taxable_fees=D("1000"), untaxed_fees=D("100"),
                     trade_allowance=D("8000"), lien_payoff=D("5000"), cash_down=D("2000"), apr=D("6.99"), term=72)

    assert result.taxable == D("23000") and result.taxes == [D("1150.00"), D("2294.25")]
    assert (result.cash_price, result.amount_financed) == (D("31544.25"), D("29544.25"))
    assert (result.payment, result.cost_of_credit) == (D("503.56"), D("6712.07"))


def test_zero_rate_finance_divides_the_amount_financed():
    # taxes on 20 000: 1 000,00 + 1 995,00 → 22 995,00 financed; 22 995 / 60 = 383,25 exactly
    result = finance(selling_price=D("20000"), apr=D("0"), term=60)

    assert (result.amount_financed, result.payment, result.cost_of_credit) == (D("22995.00"), D("383.25"), D("0.00"))


def test_negative_equity_is_financed():
    # allowance 4 000 against a lien of 9 000: 5 000 of negative equity
    # taxable = 25 000 − 4 000 = 21 000; TPS 1 050,00; TVQ 2 094,75
    # cash price = 21 000 + 1 050 + 2 094,75 + 9 000 lien = 33 144,75 = financed (no cash down)
    # r = 7,49 % / 12; n = 84: (1 + r)^−84 ≈ 0,592935 → payment ≈ 206,8785 / 0,407065 ≈ 508,220 → 508,22
    result = finance(selling_price=D("25000"), trade_allowance=D("4000"), lien_payoff=D("9000"), apr=D("7.49"),
                     term=84)

    assert (result.cash_price, result.amount_financed) == (D("33144.75"), D("33144.75"))
    assert result.payment == D("508.22")


def test_lease_with_its_residual_and_taxes_on_each_payment():
    # residual = 42 000 MSRP × 55 % = 23 100,00; cap cost = 40 000 + 500 fees − 3 000 down = 37 500
    # r = 4,9 % / 12 = 0,0040833; v^48 ≈ 0,822340
    # base = (37 500 − 23 100 × 0,822340) × r / ((1 − v^48)(1 + r)) ≈ 75,5577 / 0,178385 ≈ 423,565 → 423,57
    # TPS = 21,1785 → 21,18; TVQ = 42,2511 → 42,25; payment = 423,57 + 21,18 + 42,25 = 487,00
    result = lease(selling_price=D("40000"), msrp=D("42000"), residual_pct=D("55"), apr=D("4.9"), term=48,
                   cash_down=D("3000"), taxable_fees=D("500"))

    assert (result.residual, result.cap_cost, result.base) == (D("23100.00"), D("37500"), D("423.57"))
    assert result.taxes == [D("21.18"), D("42.25")] and result.payment == D("487.00")


def test_a_lease_with_negative_equity_raises_the_capitalised_cost():
    # cap cost = 30 000 − (2 000 allowance − 6 000 lien) = 34 000; at 0 %: (34 000 − 15 000) / 36 = 527,78
    result = lease(selling_price=D("30000"), msrp=D("30000"), residual_pct=D("50"), apr=D("0"), term=36,
                   trade_allowance=D("2000"), lien_payoff=D("6000"))

    assert (result.cap_cost, result.base) == (D("34000"), D("527.78"))


def test_bi_weekly_and_weekly_payments_are_the_monthly_one_spread():
    # 503,56 × 12 / 26 = 232,412… → 232,41; × 12 / 52 = 116,206… → 116,21
    assert (per_frequency(D("503.56"), "biweekly"), per_frequency(D("503.56"), "weekly")) == (D("232.41"), D("116.21"))
    assert per_frequency(D("503.56"), "monthly") == D("503.56")


def test_payment_first_finds_the_highest_price_that_fits():
    def payment_at(price):
        return finance(selling_price=price, apr=D("6.99"), term=72).payment

    price = price_for_payment(D("500"), payment_at)

    assert payment_at(price) <= D("500") < payment_at(price + D("0.01"))
    assert price_for_payment(D("-1"), payment_at) is None


money = st.decimals(min_value=D("1000"), max_value=D("150000"), places=2)
rates = st.decimals(min_value=D("0"), max_value=D("19.99"), places=2)
terms = st.sampled_from([24, 36, 48, 60, 72, 84, 96])


@settings(max_examples=60, deadline=None)
@given(price=money, more=st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2), apr=rates, term=terms)
def test_a_higher_price_never_lowers_a_payment(price, more, apr, term):
    assert finance(selling_price=price + more, apr=apr, term=term).payment >= \
        finance(selling_price=price, apr=apr, term=term).payment
    assert lease(selling_price=price + more, msrp=price, residual_pct=D("50"), apr=apr, term=term).payment >= \
        lease(selling_price=price, msrp=price, residual_pct=D("50"), apr=apr, term=term).payment


@settings(max_examples=60, deadline=None)
@given(price=money, apr=rates, more=st.decimals(min_value=D("0.01"), max_value=D("5"), places=2), term=terms)
def test_a_higher_rate_never_lowers_a_payment(price, apr, more, term):
    assert finance(selling_price=price, apr=apr + more, term=term).payment >= \
        finance(selling_price=price, apr=apr, term=term).payment


@settings(max_examples=30, deadline=None)
@given(target=st.decimals(min_value=D("50"), max_value=D("3000"), places=2), apr=rates, term=terms)
def test_payment_first_returns_the_highest_price_whose_payment_fits(target, apr, term):
    def payment_at(price):
        return finance(selling_price=price, apr=apr, term=term).payment

    price = price_for_payment(target, payment_at)

    assert payment_at(price) <= target < payment_at(price + D("0.01"))


@settings(max_examples=60, deadline=None)
@given(price=money, term=terms)
def test_at_zero_percent_the_payments_sum_to_the_amount_financed_within_a_cent_each(price, term):
    result = finance(selling_price=price, apr=D("0"), term=term)

    assert abs(result.payment * term - result.amount_financed) <= D("0.01") * term
