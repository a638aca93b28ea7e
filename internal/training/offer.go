package training

// A seat offered from the waitlist, answered by the person from the link in
// their message, without an account: accept it (they are enrolled) or decline
// it (the seat goes to the next person waiting), until the deadline.

import (
	"database/sql"
	"errors"
	"net/http"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
)

// Answers to an offer, as recorded on its link.
const (
	OfferAccepted = "accepted"
	OfferDeclined = "declined"
)

// offerPage is the page a person reaches from an offer's link.
type offerPage struct {
	Token    string
	Session  *Session
	Title    Text
	State    string    // the enrolment's state now
	Answer   string    // the person's answer, if they gave one
	Deadline time.Time // in the antenna's time
	Open     bool      // offered, and the deadline not passed
	Late     bool      // offered, and the deadline passed
}

// offered is an offer's link with its enrolment.
type offered struct {
	link              *messages.Reply
	cohortID, learner int64
}

// offer reads the link and its enrolment (whose person is the link's, or the
// file it was merged into).
func (h *Handlers) offer(w http.ResponseWriter, r *http.Request) (*offerPage, *offered, bool) {
	ctx := r.Context()
	link, err := messages.ReplyByToken(ctx, h.DB, "offer", r.PathValue("token"))
	if err != nil {
		h.Render.Fail(w, r, err) // an unknown token is the 404 page
		return nil, nil, false
	}
	o := &offered{link: link}
	page := &offerPage{Token: link.Token, Answer: link.Answer}
	if err := h.DB.QueryRowContext(ctx, "SELECT cohort_id, learner_id, state FROM enrolments WHERE id = $1", link.RefID).
		Scan(&o.cohortID, &o.learner, &page.State); err != nil {
		h.Render.Fail(w, r, db.NotFound(err)) // its enrolment went with the file
		return nil, nil, false
	}
	now := h.now()
	if page.Session, err = SessionOf(ctx, h.DB, o.cohortID, now); err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	page.Title = page.Session.Programme.TitleIn(lang(r))
	page.Deadline = link.Expires.In(page.Session.Loc)
	// The enrolment says what stands: an answer recorded for an earlier offer of
	// the same seat does not close a new one.
	page.Open = page.State == Offered && now.Before(link.Expires)
	page.Late = page.State == Offered && !page.Open
	return page, o, true
}

// Offer shows the person the seat offered and two buttons, accept or decline:
// GET /o/{token}. No account, no JavaScript; past the deadline the page says so
// and gives the antenna's phone.
func (h *Handlers) Offer(w http.ResponseWriter, r *http.Request) {
	page, _, ok := h.offer(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render.Render(w, r, http.StatusOK, "training/offer.html", page, nil)
}

// OfferAnswer takes the person's answer: POST /o/{token} with answer=accept
// (enrolled, and told so) or answer=decline (the seat is offered to the next
// person waiting, who is told). The same staff steps are taken as when an
// adviser confirms or withdraws an offer. An answer after the deadline, or to an
// offer no longer standing, changes nothing: the page then says why.
func (h *Handlers) OfferAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, o, ok := h.offer(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	answer := map[string]string{"accept": OfferAccepted, "decline": OfferDeclined}[f.Get("answer")]
	if answer == "" {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	var changes []Change
	if page.Open {
		now := h.now()
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			if _, _, err := lockCohort(ctx, tx, o.cohortID); err != nil {
				return err
			}
			// Checked again under the cohort's lock: a second tap, or staff acting
			// at the same moment, finds it answered.
			if state, err := enrolmentState(ctx, tx, o.cohortID, o.learner); err != nil || state != Offered {
				return err
			}
			if !now.Before(o.link.Expires) {
				return nil
			}
			if _, err := messages.Answer(ctx, tx, o.link.Token, answer, now); err != nil {
				return err
			}
			var err error
			if answer == OfferAccepted {
				changes, err = enrol(ctx, tx, o.cohortID, o.learner, 0)
			} else {
				changes, err = withdraw(ctx, tx, o.cohortID, o.learner, 0)
			}
			if err != nil {
				return err
			}
			return h.Seats(ctx, tx, changes)
		})
		if errors.Is(err, ErrCohortClosed) {
			err = nil // the cohort stopped taking people: the page says the offer no longer stands
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if len(changes) > 0 {
			changed()
			if h.Log != nil {
				h.Log.InfoContext(ctx, "offer answered by the person", "cohort_id", o.cohortID, "learner_id", o.learner, "answer", answer)
			}
			h.tell(ctx, changes)
		}
	}
	http.Redirect(w, r, "/o/"+page.Token+"?lang="+lang(r), http.StatusSeeOther)
}
