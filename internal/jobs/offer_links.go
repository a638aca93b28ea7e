package jobs

// An offer sent to the person: from the offers a person fits (their file) or
// the people an offer fits (its page), an adviser sends the person the offer
// by SMS (by email when they have no phone), in their language, with a reply
// link. The person, with only a phone and no account, opens the offer at
// /e/{token} and answers "I want to apply" or "not interested".
//
// Choices:
//   - One link per person and offer (reply_links' (ref_kind, ref_id,
//     learner_id)). Sending again while the link is still open is refused
//     ("already sent on …"); once it expired unanswered, sending again gives
//     the same link a new deadline and a new message.
//   - The link expires 30 days after it is sent, or at the end of the offer's
//     start day when that comes first (an offer whose start day has already
//     passed, still recruiting, keeps the 30 days).
//   - "Apply" makes an application in state new, proposed_by NULL and source
//     "person", logged as the person's, told like a proposal (to the person,
//     and to the adviser who sent the link) — only while the person shows a
//     profile to recruiters. Without that consent nothing is made: the page
//     says their adviser will call, and the adviser is told to.
//   - "Not interested" is recorded on the link and told to the adviser.
//   - The first answer stands: a second tap changes nothing.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
	"tremplin/internal/profiles"
)

// LinkRef is the reply links' kind of an offer sent to a person.
const LinkRef = "job_offer"

// Answers on an offer's link.
const (
	LinkApply         = "apply"
	LinkNotInterested = "not_interested"
)

// LinkDays is how long an offer's link works at most.
const LinkDays = 30

// Sources of an application.
const (
	SourceAdviser = "adviser"
	SourcePerson  = "person"
)

// Errors of sending an offer to a person.
var (
	ErrMessagesOff = errors.New("jobs: the person asked for no messages")
	ErrNoContact   = errors.New("jobs: the person has neither phone nor email")
	ErrAlreadySent = errors.New("jobs: the offer was sent to the person already")
)

// LinkExpiry is when the link of an offer sent at now stops working: LinkDays
// later, or at the end of the offer's start day when that comes first.
func LinkExpiry(o *Offer, now time.Time) time.Time {
	exp := now.AddDate(0, 0, LinkDays)
	if !o.StartsOn.IsZero() {
		end := time.Date(o.StartsOn.Year(), o.StartsOn.Month(), o.StartsOn.Day()+1, 0, 0, 0, 0, time.UTC)
		if end.After(now) && end.Before(exp) {
			exp = end
		}
	}
	return exp
}

// Sent is an offer's link to a person, as staff see it.
type Sent struct {
	At, Expires time.Time
	Answer      string // "", apply, not_interested
	Open        bool   // unanswered and not expired
}

// sentLinks reads the links of offers sent, by offer and person: for one
// person (learnerID) or one offer (offerID).
func sentLinks(ctx context.Context, q db.Execer, where string, id int64, now time.Time) (map[[2]int64]*Sent, error) {
	out := map[[2]int64]*Sent{}
	err := db.Each(q.QueryContext(ctx, `SELECT ref_id, learner_id, created_at, expires_at, answer FROM reply_links
		WHERE ref_kind = 'job_offer' AND `+where+` = $1`, id))(func(row db.Scanner) error {
		var k [2]int64
		var at, exp string
		s := &Sent{}
		if err := row.Scan(&k[0], &k[1], &at, &exp, &s.Answer); err != nil {
			return err
		}
		s.At, s.Expires = db.ParseTime(at), db.ParseTime(exp)
		s.Open = s.Answer == "" && now.Before(s.Expires)
		out[k] = s
		return nil
	})
	return out, err
}

// SendOffer sends the open offer o to the person, on behalf of staffID: an
// SMS (an email when they have no phone) in their language with the link to
// answer. ErrNotOpen, ErrMessagesOff, ErrNoContact, ErrDuplicate (an
// application exists), ErrAlreadySent (the link is still open); otherwise
// the link's expiry.
func (h *Handlers) SendOffer(ctx context.Context, o *Offer, learnerID, staffID int64) (time.Time, error) {
	if o.State != Open {
		return time.Time{}, ErrNotOpen
	}
	now := h.now()
	expires := LinkExpiry(o, now)
	err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
		var antenna int64
		var first, last, phone, email, lang, off string
		if err := tx.QueryRowContext(ctx, `SELECT antenna_id, first_name, last_name, phone, email, lang, messages_off_at
			FROM learners WHERE id = $1`, learnerID).Scan(&antenna, &first, &last, &phone, &email, &lang, &off); err != nil {
			return db.NotFound(err)
		}
		if off != "" {
			return ErrMessagesOff
		}
		if phone == "" && email == "" {
			return ErrNoContact
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2", o.ID, learnerID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrDuplicate
		}
		sent, err := sentLinks(ctx, tx, "learner_id", learnerID, now)
		if err != nil {
			return err
		}
		if s := sent[[2]int64{o.ID, learnerID}]; s != nil && (s.Open || s.Answer != "") {
			return ErrAlreadySent
		}
		token, err := messages.ReplyLink(ctx, tx, learnerID, LinkRef, o.ID, expires)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE reply_links SET sent_by = $1, created_at = $2 WHERE token = $3",
			db.NullID(staffID), db.FormatTime(now), token); err != nil {
			return err
		}
		if h.Outbox == nil {
			return nil
		}
		pr := i18n.For(lang)
		m := messages.Message{Antenna: antenna, Learner: learnerID, Kind: LinkRef, Lang: pr.Lang,
			Body: pr.T("jobs.sent.sms", "name", first, "job", o.Title, "company", o.Company, "town", o.Town),
			// The page opens in the person's language, whatever their phone's.
			Link:    h.BaseURL + "/e/" + token + "?lang=" + pr.Lang,
			ToName:  strings.TrimSpace(first + " " + last),
			Expires: expires, RefKind: LinkRef, RefID: o.ID, By: staffID,
			Dedupe: "job_offer_link:" + token + ":" + strconv.FormatInt(expires.Unix(), 10)}
		if phone != "" {
			m.Channel, m.To, m.Dedupe = messages.SMS, phone, m.Dedupe+":sms"
		} else {
			m.Channel, m.To, m.Subject, m.Dedupe = messages.Email, email, pr.T("jobs.sent.subject", "job", o.Title), m.Dedupe+":email"
		}
		_, err = h.Outbox.Add(ctx, tx, m)
		return err
	})
	return expires, err
}

// sendProblem is the catalog key that says why an offer was not sent.
func sendProblem(err error) string {
	switch {
	case errors.Is(err, ErrMessagesOff):
		return "jobs.sent.error.messages_off"
	case errors.Is(err, ErrNoContact):
		return "jobs.sent.error.no_contact"
	case errors.Is(err, ErrAlreadySent):
		return "jobs.sent.error.already_sent"
	case errors.Is(err, ErrNotOpen):
		return "jobs.app.error.not_open"
	case errors.Is(err, ErrDuplicate):
		return "jobs.app.error.duplicate"
	}
	return ""
}

// SendFromFile sends an open offer of the staff member's antennas' companies
// to the person: POST /learners/{id}/job-offers.
func (h *Handlers) SendFromFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	learner := web.PathID(r, "id")
	if !h.learnerInScope(ctx, st.Scope(), learner) {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	back := "/learners/" + strconv.FormatInt(learner, 10) + "#jobs"
	offer, _ := strconv.ParseInt(f.Get("offer"), 10, 64)
	o, err := OfferInScope(ctx, h.DB, st.Scope(), offer)
	if errors.Is(err, db.ErrNotFound) {
		h.Flash(r, "jobs.app.error.offer")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if err == nil {
		_, err = h.SendOffer(ctx, o, learner, st.ID)
	}
	if key := sendProblem(err); key != "" {
		h.Flash(r, key)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "offer sent to the person", "offer_id", o.ID, "learner_id", learner, "staff_id", st.ID)
	h.Flash(r, "jobs.sent.flash.sent")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// SendFromOffer sends the offer to one of the people who fit it:
// POST /jobs/{id}/links (person: the file's number).
func (h *Handlers) SendFromOffer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	if st.Role == auth.Fundraising {
		// The fundraising role never sees the people served.
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	base := "/jobs/" + strconv.FormatInt(o.ID, 10)
	learner, _ := strconv.ParseInt(f.Get("person"), 10, 64)
	if learner == 0 || !h.learnerInScope(ctx, st.Scope(), learner) {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	_, err := h.SendOffer(ctx, o, learner, st.ID)
	if key := sendProblem(err); key != "" {
		h.renderOffer(w, r, http.StatusUnprocessableEntity, o, base, nil, key, nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "offer sent to the person", "offer_id", o.ID, "learner_id", learner, "staff_id", st.ID)
	h.Flash(r, "jobs.sent.flash.sent")
	http.Redirect(w, r, base+"#candidates", http.StatusSeeOther)
}

// linkPage is what the person sees from an offer's link.
type linkPage struct {
	Token        string
	Offer        *Offer
	Open         bool   // the offer open, the link unanswered and not expired
	Answer       string // the person's answer, once given
	Applied      bool   // an application stands for the person and the offer
	AntennaName  string
	AntennaPhone string
	learner      int64
	link         *messages.Reply
}

func (h *Handlers) offerLink(w http.ResponseWriter, r *http.Request) (*linkPage, bool) {
	ctx := r.Context()
	link, err := messages.ReplyByToken(ctx, h.DB, LinkRef, r.PathValue("token"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	o, err := scanOffer(h.DB.QueryRowContext(ctx, "SELECT "+offerCols+" WHERE o.id = $1", link.RefID))
	if err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return nil, false
	}
	p := &linkPage{Token: link.Token, Offer: o, Answer: link.Answer, learner: link.LearnerID, link: link}
	if err := h.DB.QueryRowContext(ctx, `SELECT a.name, a.phone FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE l.id = $1`,
		link.LearnerID).Scan(&p.AntennaName, &p.AntennaPhone); err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return nil, false
	}
	var n int
	if err := h.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2",
		o.ID, link.LearnerID).Scan(&n); err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	p.Applied = n > 0
	p.Open = o.State == Open && link.Open(h.now()) && !p.Applied
	return p, true
}

// OfferLink shows the person the offer sent and two buttons, apply or not
// interested: GET /e/{token}. No account, no JavaScript; an offer no longer
// open, or a link expired, says so; an unknown token is the 404 page.
func (h *Handlers) OfferLink(w http.ResponseWriter, r *http.Request) {
	p, ok := h.offerLink(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render.Render(w, r, http.StatusOK, "jobs/offer_link.html", p, nil)
}

// OfferLinkAnswer takes the person's answer: POST /e/{token} with
// answer=apply or answer=not_interested. The first answer stands; an answer
// to an offer no longer open, or after the link expired, changes nothing.
func (h *Handlers) OfferLinkAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := h.offerLink(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	answer := f.Get("answer")
	if answer != LinkApply && answer != LinkNotInterested {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	back := "/e/" + p.Token + "?lang=" + i18n.FromContext(ctx).Lang
	if !p.Open {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	now := h.now()
	var app int64
	var answered bool
	err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
		var state string
		if err := tx.QueryRowContext(ctx, "SELECT state FROM job_offers WHERE id = $1", p.Offer.ID).Scan(&state); err != nil || state != Open {
			return err
		}
		ok, err := messages.Answer(ctx, tx, p.Token, answer, now)
		if err != nil || !ok {
			return err // a second tap finds the link answered
		}
		answered = true
		if answer == LinkNotInterested {
			return h.tellLinkAdviser(ctx, tx, p, "jobs.sent.adviser.not_interested")
		}
		if !profiles.Visible(ctx, tx, p.learner) {
			return h.tellLinkAdviser(ctx, tx, p, "jobs.sent.adviser.no_consent")
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2",
			p.Offer.ID, p.learner).Scan(&n); err != nil || n > 0 {
			return err
		}
		at := db.FormatTime(now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO job_applications (offer_id, learner_id, state, proposed_by, source, created_at, changed_at)
			VALUES ($1, $2, 'new', NULL, 'person', $3, $3) RETURNING id`, p.Offer.ID, p.learner, at).Scan(&app); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_application_events (application_id, state, reason, by_person, at)
			VALUES ($1, 'new', '', TRUE, $2)`, app, at); err != nil {
			return err
		}
		if err := keepFacts(ctx, tx, app); err != nil {
			return err
		}
		return h.tell(ctx, tx, app)
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if answered {
		h.Log.InfoContext(ctx, "offer answered by the person", "offer_id", p.Offer.ID, "learner_id", p.learner, "answer", answer,
			"application_id", app)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// tellLinkAdviser emails, within tx, the adviser who sent the offer what the
// person answered (key: a jobs.sent.adviser.* message), in their language.
func (h *Handlers) tellLinkAdviser(ctx context.Context, tx *sql.Tx, p *linkPage, key string) error {
	if h.Outbox == nil {
		return nil
	}
	var antenna int64
	var first, last, email, lang, name string
	err := tx.QueryRowContext(ctx, `SELECT l.antenna_id, l.first_name, l.last_name, COALESCE(s.email, ''), COALESCE(s.lang, 'fr'), COALESCE(s.name, '')
		FROM reply_links r JOIN learners l ON l.id = r.learner_id LEFT JOIN staff s ON s.id = r.sent_by WHERE r.token = $1`, p.Token).
		Scan(&antenna, &first, &last, &email, &lang, &name)
	if err != nil || email == "" {
		return err
	}
	pr := i18n.For(lang)
	_, err = h.Outbox.Add(ctx, tx, messages.Message{Antenna: antenna, Channel: messages.Email, Kind: LinkRef, Lang: pr.Lang,
		To: email, ToName: name, Subject: pr.T("jobs.sent.adviser.subject", "job", p.Offer.Title),
		Body: pr.T(key, "person", strings.TrimSpace(first+" "+last), "job", p.Offer.Title, "company", p.Offer.Company),
		Link: h.BaseURL + "/learners/" + strconv.FormatInt(p.learner, 10) + "#jobs", RefKind: LinkRef, RefID: p.Offer.ID,
		Dedupe: "job_offer_link:" + p.Token + ":answer:adviser"})
	return err
}

// sendable fills the offer page's Sent and CanSend for its candidates.
func (h *Handlers) sendable(ctx context.Context, d *offerData, now time.Time) error {
	sent, err := sentLinks(ctx, h.DB, "ref_id", d.Offer.ID, now)
	if err != nil {
		return err
	}
	d.Sent, d.CanSend = map[int64]*Sent{}, map[int64]bool{}
	if len(d.Candidates) == 0 {
		return nil
	}
	args := db.Args{}
	var ids []int64
	for _, c := range d.Candidates {
		ids = append(ids, c.LearnerID)
	}
	off := map[int64]bool{}
	err = db.Each(h.DB.QueryContext(ctx, "SELECT id FROM learners WHERE messages_off_at <> '' AND id IN ("+db.InList(&args, ids)+")",
		args...))(func(row db.Scanner) error {
		var id int64
		if err := row.Scan(&id); err != nil {
			return err
		}
		off[id] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range d.Candidates {
		s := sent[[2]int64{d.Offer.ID, c.LearnerID}]
		if s != nil {
			d.Sent[c.LearnerID] = s
		}
		d.CanSend[c.LearnerID] = !off[c.LearnerID] && (s == nil || (!s.Open && s.Answer == ""))
	}
	return nil
}
