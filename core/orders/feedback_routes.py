"""Feedback pages: rating a service, the provider's replies and the council's hiding.

- ``GET/POST /bookings/{booking_id}/review``: the person (or their circle or broker) rates
  the booking's service 1 to 5 with optional words, once a visit has been confirmed.
- ``GET /provider/reviews`` and ``POST /provider/reviews/{review_id}/reply``: the store's
  reviews, each with a one-time reply form for its owners and managers.
- ``GET /council/reviews`` and ``POST /council/reviews/{review_id}/hide``: the council's
  recent reviews, and hiding one that breaks its rules, with the reason.

Who may do what is decided by ``core.orders.feedback``; these handlers read forms, call it
and show its refusals next to the right field.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.clock import long_date, uk_time_words
from core.errors import Conflict, InvalidInput
from core.orders import feedback
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render

RATING_CHOICES = [(str(n), f"{n} – {words}") for n, words in feedback.RATING_WORDS.items()]


# --- the person's side ----------------------------------------------------------------------


@signed_in
async def review_form(request: Request) -> Response:
    actor = actor_of(request)
    booking, review = await feedback.booking_to_review(actor, request.path_params["booking_id"])
    values = {"rating": str(review.rating), "text": review.text} if review else {}
    return await _review_page(request, booking, review, values, {})


@signed_in
async def save_review(request: Request) -> Response:
    actor = actor_of(request)
    booking_id = request.path_params["booking_id"]
    booking, review = await feedback.booking_to_review(actor, booking_id)
    values = await form_values(request)
    text = values.get("text", "")
    rating_text = values.get("rating", "")
    errors: dict[str, str] = {}
    if rating_text not in {"1", "2", "3", "4", "5"}:
        errors["rating"] = "Choose how good the service was, from 1 to 5"
    else:
        try:
            await feedback.write_review(actor, booking.id, rating=int(rating_text), text=text)
        except InvalidInput as invalid:
            errors = field_errors(invalid.problems)
        except feedback.NotDeliveredYet as refused:
            errors = {"rating": str(refused)}
    if errors:
        return await _review_page(request, booking, review, values, errors, status_code=400)
    return see_other(f"/bookings/{booking.id}/review?saved=1")


async def _review_page(
    request: Request,
    booking: Any,
    review: Any,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    delivery = await feedback.confirmed_delivery(booking)
    return render(
        request,
        "orders/review.html",
        f"Rate {booking.service.title}",
        status_code=status_code,
        booking=booking,
        service=booking.service,
        store=booking.order.store,
        review=review,
        delivery=delivery,
        values=values,
        errors=errors,
        choices=RATING_CHOICES,
        saved=request.query_params.get("saved") == "1" and not errors,
        max_text=feedback.MAX_TEXT,
        long_date=long_date,
    )


# --- the provider's side --------------------------------------------------------------------


@signed_in
async def provider_reviews(request: Request) -> Response:
    return await _provider_page(request, {}, {})


@signed_in
async def reply(request: Request) -> Response:
    actor = actor_of(request)
    review_id = request.path_params["review_id"]
    values = await form_values(request)
    try:
        await feedback.reply_to_review(actor, review_id, values.get("reply", ""))
    except InvalidInput as invalid:
        message = next(iter(field_errors(invalid.problems).values()), str(invalid))
        return await _provider_page(
            request, {f"reply-{review_id}": message}, values, status_code=400
        )
    except Conflict as clash:
        return await _provider_page(
            request, {f"reply-{review_id}": str(clash)}, values, status_code=409
        )
    return see_other(f"/provider/reviews?replied={review_id}#review-{review_id}")


async def _provider_page(
    request: Request, errors: dict[str, str], values: dict[str, str], status_code: int = 200
) -> Response:
    actor = actor_of(request)
    stores, reviews = await feedback.store_reviews(actor)
    repliers = {s.id for s in stores if await feedback.may_reply(actor, s)}
    return render(
        request,
        "orders/reviews_provider.html",
        "Reviews",
        status_code=status_code,
        store=stores[0] if stores else None,
        stores=stores,
        reviews=reviews,
        repliers=repliers,
        errors=errors,
        values=values,
        replied=request.query_params.get("replied"),
        words=feedback.RATING_WORDS,
        long_date=long_date,
    )


# --- the council's side ---------------------------------------------------------------------


@signed_in
async def council_reviews(request: Request) -> Response:
    return await _council_page(request, {}, {})


@signed_in
async def hide(request: Request) -> Response:
    actor = actor_of(request)
    review_id = request.path_params["review_id"]
    values = await form_values(request)
    try:
        await feedback.hide_review(actor, review_id, values.get("reason", ""))
    except InvalidInput as invalid:
        message = next(iter(field_errors(invalid.problems).values()), str(invalid))
        return await _council_page(
            request, {f"reason-{review_id}": message}, values, status_code=400
        )
    except Conflict as clash:
        return await _council_page(
            request, {f"reason-{review_id}": str(clash)}, values, status_code=409
        )
    return see_other(f"/council/reviews?hidden={review_id}#review-{review_id}")


async def _council_page(
    request: Request, errors: dict[str, str], values: dict[str, str], status_code: int = 200
) -> Response:
    actor = actor_of(request)
    reviews = await feedback.council_reviews(actor)
    return render(
        request,
        "council/reviews.html",
        "Reviews",
        status_code=status_code,
        reviews=reviews,
        errors=errors,
        values=values,
        hidden=request.query_params.get("hidden"),
        words=feedback.RATING_WORDS,
        long_date=long_date,
        time_words=uk_time_words,
    )


routes: list[BaseRoute] = [
    Route("/bookings/{booking_id}/review", review_form, methods=["GET"], name="orders:review"),
    Route("/bookings/{booking_id}/review", save_review, methods=["POST"]),
    Route("/provider/reviews", provider_reviews, methods=["GET"], name="orders:provider-reviews"),
    Route("/provider/reviews/{review_id}/reply", reply, methods=["POST"]),
    Route("/council/reviews", council_reviews, methods=["GET"], name="console:reviews"),
    Route("/council/reviews/{review_id}/hide", hide, methods=["POST"]),
]
