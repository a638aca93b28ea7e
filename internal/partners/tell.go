package partners

// What the referring contact is told of their person, by email through the
// messages outbox, in the transaction of the change: each new state, and with
// it the date, time and place of what comes next — the session the person is
// enrolled in, an interview booked with the team — so that the partner can
// remind them too. Never notes, positioning or situation.

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// tell queues, within tx, an email to each referring contact about their
// person's new state (and a declined referral's coded reason), with the session
// they are enrolled in and the interview booked with them, if any.
func (h *Handlers) tell(ctx context.Context, tx *sql.Tx, changed []*Changed) error {
	if h.Outbox == nil {
		return nil
	}
	now := h.now()
	var out []messages.Message
	for _, c := range changed {
		if c.Email == "" {
			continue
		}
		p := i18n.For(c.Lang)
		state := p.T("partner.state." + c.State)
		if c.State == Declined && c.Reason != "" {
			state += " (" + p.T("partner.reason."+c.Reason) + ")"
		}
		var details []string
		if c.State == Enrolled {
			s, err := training.EnrolledSession(ctx, tx, c.LearnerID, now)
			if err != nil {
				return err
			}
			if s != nil {
				details = append(details, p.T("partner.status_email.enrolled_in", "programme", s.Programme.TitleIn(p.Lang).Text)+" "+s.When(p))
			}
		}
		a, err := nextInterview(ctx, tx, c.LearnerID, now)
		if err != nil {
			return err
		}
		if a != nil {
			details = append(details, p.T("partner.status_email.interview", append(training.Moment(p, a.start), "where", a.where(p))...))
		}
		extra := ""
		if len(details) > 0 {
			extra = "\n\n" + strings.Join(details, "\n\n")
		}
		// The subject, shown in every inbox list and notification, names the
		// person by first name and initial only.
		out = append(out, h.letter(ctx, c, p.T("partner.status_email.subject", "person", ShortName(c.FirstName, c.LastName), "state", state),
			p.T("partner.status_email.body", "name", c.ContactName, "person", c.FirstName+" "+c.LastName, "org", c.OrgName,
				"state", state, "details", extra), "partner_status"))
	}
	if len(out) == 0 {
		return nil
	}
	_, err := h.Outbox.Add(ctx, tx, out...)
	return err
}

// letter is an email to c's contact about their person, the link to the
// person's page in the partner space on its own line.
func (h *Handlers) letter(ctx context.Context, c *Changed, subject, body, kind string) messages.Message {
	m := messages.Message{Antenna: c.AntennaID, Channel: messages.Email, Kind: kind, Lang: i18n.For(c.Lang).Lang,
		To: c.Email, ToName: c.ContactName, Subject: subject, Body: body, Link: h.BaseURL + "/partner/people/" + id64(c.PersonID),
		RefKind: "referral_person", RefID: c.PersonID}
	if st := auth.Current(ctx); st != nil {
		m.By = st.ID
	}
	return m
}

// interview is an appointment booked with a person (the appointments package's
// table, read only).
type interview struct {
	id                            int64
	mode, state                   string
	start                         time.Time
	name, address, postcode, city string
}

// where says where the interview happens, in p's language.
func (a *interview) where(p i18n.Printer) string {
	switch a.mode {
	case "phone":
		return p.T("partner.interview_phone")
	case "video":
		return p.T("partner.interview_video")
	}
	parts := []string{a.name, a.address, strings.TrimSpace(a.postcode + " " + a.city)}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

const interviewColumns = `a.id, a.mode, a.state, a.starts_at, n.timezone, COALESCE(pl.name, ''), COALESCE(pl.address, ''),
	COALESCE(pl.postcode, ''), COALESCE(pl.city, '')
	FROM appointments a JOIN antennas n ON n.id = a.antenna_id LEFT JOIN places pl ON pl.id = a.place_id`

func scanInterview(row db.Scanner) (*interview, error) {
	var a interview
	var starts, tz string
	if err := row.Scan(&a.id, &a.mode, &a.state, &starts, &tz, &a.name, &a.address, &a.postcode, &a.city); err != nil {
		return nil, err
	}
	a.start = db.ParseTime(starts).In(training.Location(tz))
	return &a, nil
}

// nextInterview is the next appointment booked with the person, nil when none.
func nextInterview(ctx context.Context, tx *sql.Tx, learnerID int64, now time.Time) (*interview, error) {
	a, err := scanInterview(tx.QueryRowContext(ctx, `SELECT `+interviewColumns+`
		WHERE a.learner_id = $1 AND a.state = 'booked' AND a.starts_at > $2 ORDER BY a.starts_at LIMIT 1`, learnerID, db.FormatTime(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// AppointmentChanged tells, within tx, the contacts who referred the person
// (learnerID) that an appointment was booked with them (its day, time and place,
// so that the partner can remind them) or cancelled. The appointments package
// is to call it when it books or cancels one, in the same transaction.
func (h *Handlers) AppointmentChanged(ctx context.Context, tx *sql.Tx, learnerID, appointmentID int64) error {
	if h.Outbox == nil {
		return nil
	}
	a, err := scanInterview(tx.QueryRowContext(ctx, `SELECT `+interviewColumns+` WHERE a.id = $1 AND a.learner_id = $2`, appointmentID, learnerID))
	if err != nil {
		return db.NotFound(err)
	}
	if !a.start.After(h.now()) {
		return nil // past: nothing to remind anyone of
	}
	people, err := referring(ctx, tx, ofLearner, []any{learnerID})
	if err != nil {
		return err
	}
	var out []messages.Message
	for _, c := range people {
		if c.Email == "" {
			continue
		}
		p := i18n.For(c.Lang)
		args := append(training.Moment(p, a.start), "name", c.ContactName, "person", c.FirstName+" "+c.LastName, "org", c.OrgName,
			"where", a.where(p), "short", ShortName(c.FirstName, c.LastName))
		body, subject := "partner.appointment_email.booked", "partner.appointment_email.subject_booked"
		if a.state != "booked" {
			body, subject = "partner.appointment_email.cancelled", "partner.appointment_email.subject_cancelled"
		}
		out = append(out, h.letter(ctx, c, p.T(subject, args...), p.T(body, args...), "partner_appointment"))
	}
	if len(out) == 0 {
		return nil
	}
	_, err = h.Outbox.Add(ctx, tx, out...)
	return err
}
