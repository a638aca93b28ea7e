package training

// What people are told about their seats and their meetings, by SMS (and email
// when they gave one) in their language. Each message is queued in the messages
// outbox within the transaction of the change, so that it goes if and only if
// the change is saved: a seat taken (the programme, the first meeting, whom to
// call), a seat offered from the waitlist (a link to accept or decline before a
// deadline), a meeting moved, cancelled or restored, a cohort cancelled.

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// A person offered a seat answers until OfferHour (antenna time) on the
// OfferDays-th day after the offer, and never after the first meeting of a
// cohort not yet begun.
const (
	OfferDays = 2
	OfferHour = 20
)

// Session says where and when a person is expected in a cohort: its programme,
// its next meeting not cancelled (the first, before it begins) and that
// meeting's place, and the antenna to call.
type Session struct {
	CohortID     int64
	Programme    *Programme
	AntennaID    int64
	AntennaName  string
	AntennaPhone string
	Loc          *time.Location
	StartsOn     time.Time // the cohort's first day
	Place        string    // the cohort's place: name, address, postcode and town
	// The next meeting; MeetingID is 0 when none is planned.
	MeetingID    int64
	Start, End   time.Time // in Loc
	MeetingPlace string    // its own place, or the cohort's
	First        bool      // it is the cohort's first meeting
}

// SessionOf reads the session of a cohort as it stands at now.
func SessionOf(ctx context.Context, q db.Execer, cohortID int64, now time.Time) (*Session, error) {
	s := &Session{CohortID: cohortID}
	var programmeID int64
	var tz, starts, name, address, postcode, city string
	err := q.QueryRowContext(ctx, `SELECT c.programme_id, c.antenna_id, a.name, a.phone, a.timezone, c.starts_on,
			pl.name, pl.address, pl.postcode, pl.city
		FROM cohorts c JOIN antennas a ON a.id = c.antenna_id JOIN places pl ON pl.id = c.place_id WHERE c.id = $1`, cohortID).
		Scan(&programmeID, &s.AntennaID, &s.AntennaName, &s.AntennaPhone, &tz, &starts, &name, &address, &postcode, &city)
	if err != nil {
		return nil, db.NotFound(err)
	}
	s.Loc, s.StartsOn, s.Place = Location(tz), parseDate(starts), placeWords(name, address, postcode, city)
	if s.Programme, err = ScanProgramme(q.QueryRowContext(ctx, "SELECT "+ProgrammeColumns+" FROM programmes p WHERE p.id = $1", programmeID)); err != nil {
		return nil, err
	}
	var mStart, mEnd string
	var mName, mAddress, mPostcode, mCity sql.NullString
	var earlier int
	err = q.QueryRowContext(ctx, `SELECT m.id, m.starts_at, m.ends_at, pl.name, pl.address, pl.postcode, pl.city,
			(SELECT COUNT(*) FROM meetings x WHERE x.cohort_id = m.cohort_id AND x.cancelled_at = '' AND x.starts_at < m.starts_at)
		FROM meetings m LEFT JOIN places pl ON pl.id = m.place_id
		WHERE m.cohort_id = $1 AND m.cancelled_at = '' AND m.starts_at > $2 ORDER BY m.starts_at LIMIT 1`, cohortID, db.FormatTime(now)).
		Scan(&s.MeetingID, &mStart, &mEnd, &mName, &mAddress, &mPostcode, &mCity, &earlier)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	s.Start, s.End, s.First = db.ParseTime(mStart).In(s.Loc), db.ParseTime(mEnd).In(s.Loc), earlier == 0
	s.MeetingPlace = s.Place
	if mName.Valid {
		s.MeetingPlace = placeWords(mName.String, mAddress.String, mPostcode.String, mCity.String)
	}
	return s, nil
}

// EnrolledSession is the session of the cohort a person holds a seat in (the
// one they took last, among those still running or to come), nil when none.
func EnrolledSession(ctx context.Context, q db.Execer, learnerID int64, now time.Time) (*Session, error) {
	var cohortID int64
	err := q.QueryRowContext(ctx, `SELECT e.cohort_id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
		WHERE e.learner_id = $1 AND e.state = 'enrolled' AND c.state IN ('open', 'full', 'running')
		ORDER BY e.since DESC, e.id DESC LIMIT 1`, learnerID).Scan(&cohortID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return SessionOf(ctx, q, cohortID, now)
}

func placeWords(name, address, postcode, city string) string {
	parts := []string{name, address, strings.TrimSpace(postcode + " " + city)}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

// Moment is a day and time as messages write them: weekday, date and time.
func Moment(p i18n.Printer, t time.Time) []any {
	return []any{"weekday", p.T("weekday." + strconv.Itoa(int(t.Weekday()))), "date", web.FormatDate(p, t), "time", t.Format("15:04")}
}

// When says in a sentence when and where the session's next meeting is (the
// first, or the next once the cohort has begun), or when the cohort begins
// when no meeting is planned yet.
func (s *Session) When(p i18n.Printer) string {
	if s.MeetingID == 0 {
		return p.T("training.sms_starts", "date", web.FormatDate(p, s.StartsOn), "where", s.Place)
	}
	key := "training.sms_first"
	if !s.First {
		key = "training.sms_next"
	}
	return p.T(key, append(Moment(p, s.Start), "where", s.MeetingPlace)...)
}

// call is the sentence that gives the antenna's phone, after a space; "" when
// the antenna has none.
func (s *Session) call(p i18n.Printer) string {
	if s.AntennaPhone == "" {
		return ""
	}
	return " " + p.T("training.sms_call", "phone", s.AntennaPhone)
}

// OfferDeadline is when a seat offered at now stops waiting for an answer.
func (s *Session) OfferDeadline(now time.Time) time.Time {
	l := now.In(s.Loc)
	d := time.Date(l.Year(), l.Month(), l.Day()+OfferDays, OfferHour, 0, 0, 0, s.Loc)
	if s.MeetingID != 0 && s.First && s.Start.Before(d) {
		d = s.Start
	}
	return d
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// staffOf is the staff member whose request caused a message, 0 for none.
func staffOf(ctx context.Context) int64 {
	if st := auth.Current(ctx); st != nil {
		return st.ID
	}
	return 0
}

// person is someone to tell, with their enrolment in the cohort concerned.
type person struct {
	LearnerID, AntennaID, EnrolmentID int64
	FirstName, LastName, Phone, Email string
	Lang                              string
}

const personColumns = `l.id, l.antenna_id, e.id, l.first_name, l.last_name, l.phone, l.email, l.lang`

func scanPerson(row db.Scanner) (person, error) {
	var p person
	err := row.Scan(&p.LearnerID, &p.AntennaID, &p.EnrolmentID, &p.FirstName, &p.LastName, &p.Phone, &p.Email, &p.Lang)
	return p, err
}

// letters sends base to p by SMS and, when they gave an address, by email (with
// subject); with neither, it is kept dropped so that the file says they could
// not be told.
func letters(base messages.Message, p person, subject string) []messages.Message {
	base.Learner, base.ToName = p.LearnerID, strings.TrimSpace(p.FirstName+" "+p.LastName)
	var out []messages.Message
	if p.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, p.Phone
		out = append(out, m)
	}
	if p.Email != "" {
		m := base
		m.Channel, m.To, m.Subject = messages.Email, p.Email, subject
		out = append(out, m)
	}
	if len(out) == 0 {
		m := base
		m.Channel = messages.SMS
		out = append(out, m)
	}
	return out
}

// sameDay reports whether a and b fall on the same day in loc.
func sameDay(a, b time.Time, loc *time.Location) bool {
	y1, m1, d1 := a.In(loc).Date()
	y2, m2, d2 := b.In(loc).Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// Seats queues, within tx, the messages of enrolment changes (a Then for the
// functions that change seats): a seat taken says the programme, the first
// meeting and whom to call; a seat offered gives the link to accept or decline
// and the deadline. Any change first cancels what was still queued about the
// enrolment (an offer not yet sent to someone enrolled since).
func (h *Handlers) Seats(ctx context.Context, tx *sql.Tx, changes []Change) error {
	now := h.now()
	sessions := map[int64]*Session{}
	var out []messages.Message
	for _, c := range changes {
		p, err := scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM enrolments e JOIN learners l ON l.id = e.learner_id
			WHERE e.cohort_id = $1 AND e.learner_id = $2`, c.CohortID, c.LearnerID))
		if err != nil {
			return err
		}
		if err := messages.Cancel(ctx, tx, "enrolment", p.EnrolmentID, 0); err != nil {
			return err
		}
		if h.Outbox == nil || (c.State != Enrolled && c.State != Offered) {
			continue
		}
		s := sessions[c.CohortID]
		if s == nil {
			if s, err = SessionOf(ctx, tx, c.CohortID, now); err != nil {
				return err
			}
			sessions[c.CohortID] = s
		}
		pr := i18n.For(p.Lang)
		title := s.Programme.TitleIn(pr.Lang).Text
		base := messages.Message{Antenna: s.AntennaID, Lang: pr.Lang, RefKind: "enrolment", RefID: p.EnrolmentID, By: staffOf(ctx)}
		if c.State == Enrolled {
			base.Kind = "enrolment"
			base.Body = pr.T("training.sms_enrolled", "name", p.FirstName, "programme", title) + " " + s.When(pr) + s.call(pr)
			if s.MeetingID != 0 {
				base.Expires = s.Start
			}
			out = append(out, letters(base, p, pr.T("training.email_subject_enrolled", "programme", title))...)
			continue
		}
		deadline := s.OfferDeadline(now)
		token, err := messages.ReplyLink(ctx, tx, p.LearnerID, "offer", p.EnrolmentID, deadline)
		if err != nil {
			return err
		}
		// The page opens in the person's language, whatever their phone's.
		base.Kind, base.Link, base.Expires = "offer", h.BaseURL+"/o/"+token+"?lang="+pr.Lang, deadline
		base.Body = pr.T("training.sms_offer", "name", p.FirstName, "programme", title) + " " + s.When(pr) + " " +
			pr.T("training.sms_offer_answer", Moment(pr, deadline.In(s.Loc))...)
		out = append(out, letters(base, p, pr.T("training.email_subject_offer", "programme", title))...)
	}
	if len(out) == 0 {
		return nil
	}
	_, err := h.Outbox.Add(ctx, tx, out...)
	return err
}

// cohortCancelled queues, within tx, the news of a cancelled cohort to each
// person who had a seat, an offer or a place on its waitlist; told even at
// night when the cohort was to begin that day.
func (h *Handlers) cohortCancelled(c *Cohort) func(ctx context.Context, tx *sql.Tx, people []Affected) error {
	return func(ctx context.Context, tx *sql.Tx, people []Affected) error {
		if h.Outbox == nil || len(people) == 0 {
			return nil
		}
		now := h.now()
		s, err := SessionOf(ctx, tx, c.ID, now)
		if err != nil {
			return err
		}
		loc := c.Loc()
		today := now.In(loc).Format(dateLayout) == c.StartsOn.Format(dateLayout)
		var out []messages.Message
		for _, a := range people {
			pr := i18n.For(a.Lang)
			args := []any{"name", a.FirstName, "programme", s.Programme.TitleIn(pr.Lang).Text, "date", web.FormatDate(pr, c.StartsOn),
				"antenna", c.AntennaName}
			key := "training.cancel_sms"
			if s.AntennaPhone != "" {
				key = "training.cancel_sms_phone"
				args = append(args, "phone", s.AntennaPhone)
			}
			base := messages.Message{Antenna: c.AntennaID, Kind: "cohort_cancelled", Lang: pr.Lang, Body: pr.T(key, args...),
				Urgent: today, RefKind: "cohort", RefID: c.ID, By: staffOf(ctx)}
			p := person{LearnerID: a.LearnerID, FirstName: a.FirstName, LastName: a.LastName, Phone: a.Phone, Email: a.Email}
			out = append(out, letters(base, p, pr.T("training.cancel_email_subject", args...))...)
		}
		_, err = h.Outbox.Add(ctx, tx, out...)
		return err
	}
}

// What a meeting's people are told of.
const (
	meetingMoved     = "moved"     // its day, times or place changed
	meetingCancelled = "cancelled" // cancelled, or removed
	meetingRestored  = "restored"  // its cancellation undone
)

// meetingKeys are the catalog keys of each news: the SMS (and email body), the
// email's subject.
var meetingKeys = map[string][2]string{
	meetingMoved:     {"training.sms_meeting_moved", "training.email_subject_meeting_moved"},
	meetingCancelled: {"training.sms_meeting_cancelled", "training.email_subject_meeting_cancelled"},
	meetingRestored:  {"training.sms_meeting_restored", "training.email_subject_meeting_restored"},
}

// meetingChange is a change to a meeting that its people are told of.
type meetingChange struct {
	MeetingID int64
	Kind      string
	Was       time.Time // its start before it moved
}

// meetingChanged queues, within tx, the news of a meeting moved, cancelled or
// restored to every person enrolled in its cohort, when the meeting is still to
// come (or was, before it moved). A change on the day of the meeting may go at
// night.
func (h *Handlers) meetingChanged(ctx context.Context, tx *sql.Tx, ch meetingChange) error {
	if h.Outbox == nil {
		return nil
	}
	now := h.now()
	var cohortID int64
	var starts string
	var name, address, postcode, city sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT m.cohort_id, m.starts_at, pl.name, pl.address, pl.postcode, pl.city
		FROM meetings m LEFT JOIN places pl ON pl.id = m.place_id WHERE m.id = $1`, ch.MeetingID).
		Scan(&cohortID, &starts, &name, &address, &postcode, &city)
	if err != nil {
		return db.NotFound(err)
	}
	s, err := SessionOf(ctx, tx, cohortID, now)
	if err != nil {
		return err
	}
	start := db.ParseTime(starts).In(s.Loc)
	if !start.After(now) && !(ch.Kind == meetingMoved && ch.Was.After(now)) {
		return nil // past: nobody is expected any more
	}
	where := s.Place
	if name.Valid {
		where = placeWords(name.String, address.String, postcode.String, city.String)
	}
	// A meeting restored is news only to those its cancellation reached: one
	// not sent yet was cancelled with the change (the messages' record, read).
	told, args := "", db.Args{cohortID}
	if ch.Kind == meetingRestored {
		told = ` AND EXISTS (SELECT 1 FROM messages x WHERE x.ref_kind = 'meeting' AND x.ref_id = ` + args.Add(ch.MeetingID) + `
			AND x.learner_id = l.id AND x.kind = 'meeting_cancelled' AND x.state IN ('sending', 'sent', 'delivered', 'failed'))`
	}
	people, err := db.Collect[person](tx.QueryContext(ctx, `SELECT `+personColumns+` FROM enrolments e JOIN learners l ON l.id = e.learner_id
		WHERE e.cohort_id = $1 AND e.state = 'enrolled'`+told+` ORDER BY l.id`, args...))(scanPerson)
	if err != nil || len(people) == 0 {
		return err
	}
	urgent := sameDay(now, start, s.Loc) || (ch.Kind == meetingMoved && sameDay(now, ch.Was, s.Loc))
	var out []messages.Message
	for _, p := range people {
		pr := i18n.For(p.Lang)
		title := s.Programme.TitleIn(pr.Lang).Text
		args := append(Moment(pr, start), "name", p.FirstName, "programme", title, "where", where)
		if ch.Kind == meetingMoved {
			was := ch.Was.In(s.Loc)
			args = append(args, "was_date", web.FormatDate(pr, was), "was_time", was.Format("15:04"))
		}
		keys := meetingKeys[ch.Kind]
		base := messages.Message{Antenna: s.AntennaID, Kind: "meeting_" + ch.Kind, Lang: pr.Lang,
			Body: pr.T(keys[0], args...) + s.call(pr), Urgent: urgent,
			RefKind: "meeting", RefID: ch.MeetingID, By: staffOf(ctx)}
		if ch.Kind != meetingCancelled {
			base.Expires = start
		}
		out = append(out, letters(base, p, pr.T(keys[1], args...))...)
	}
	_, err = h.Outbox.Add(ctx, tx, out...)
	return err
}

// cohortMoved is a Then for saving cohort cohortID, which was in place: when its
// place changed, the meetings to come that have no place of their own move with
// it. What was queued about them (reminders) is cancelled, and the people
// enrolled are told the new place and the next meeting.
func (h *Handlers) cohortMoved(cohortID, place int64) Then {
	return func(ctx context.Context, tx *sql.Tx, _ []Change) error {
		var now int64
		if err := tx.QueryRowContext(ctx, "SELECT place_id FROM cohorts WHERE id = $1", cohortID).Scan(&now); err != nil || now == place {
			return err
		}
		at := h.now()
		meetings, err := db.Collect[int64](tx.QueryContext(ctx, `SELECT id FROM meetings WHERE cohort_id = $1 AND cancelled_at = ''
			AND starts_at > $2 AND place_id IS NULL ORDER BY starts_at`, cohortID, db.FormatTime(at)))(db.ScanInt64)
		if err != nil || len(meetings) == 0 {
			return err
		}
		for _, id := range meetings {
			if err := messages.Cancel(ctx, tx, "meeting", id, 0); err != nil {
				return err
			}
		}
		if h.Outbox == nil {
			return nil
		}
		s, err := SessionOf(ctx, tx, cohortID, at)
		if err != nil {
			return err
		}
		people, err := db.Collect[person](tx.QueryContext(ctx, `SELECT `+personColumns+` FROM enrolments e JOIN learners l ON l.id = e.learner_id
			WHERE e.cohort_id = $1 AND e.state = 'enrolled' ORDER BY l.id`, cohortID))(scanPerson)
		if err != nil || len(people) == 0 {
			return err
		}
		var out []messages.Message
		for _, p := range people {
			pr := i18n.For(p.Lang)
			title := s.Programme.TitleIn(pr.Lang).Text
			base := messages.Message{Antenna: s.AntennaID, Kind: "cohort_moved", Lang: pr.Lang,
				Body:    pr.T("training.sms_cohort_moved", "name", p.FirstName, "programme", title, "where", s.Place) + " " + s.When(pr) + s.call(pr),
				Urgent:  s.MeetingID != 0 && sameDay(at, s.Start, s.Loc),
				RefKind: "cohort", RefID: cohortID, By: staffOf(ctx)}
			out = append(out, letters(base, p, pr.T("training.email_subject_cohort_moved", "programme", title))...)
		}
		_, err = h.Outbox.Add(ctx, tx, out...)
		return err
	}
}
