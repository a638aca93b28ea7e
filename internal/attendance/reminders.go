package attendance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// A reminder of a meeting goes to each person enrolled in its cohort, 48 hours
// before and on the morning (messages.ReminderTimes), with a link to say "I
// cannot come": the roll call shows it at once, and the adviser knows before the
// session.

// Upcoming is one person's meeting, as its reminder tells it.
type Upcoming struct {
	MeetingID, LearnerID, AntennaID int64
	StartsAt                        time.Time // in the antenna's time zone
	Since                           time.Time // when the person was enrolled
	Programme, ProgrammeEN          string
	ProgrammeAR                     string
	Place, Address                  string
	FirstName, LastName             string
	Phone, Email, Lang              string
	AntennaName, AntennaPhone       string
}

// title is the programme's title in lang, French when it has none.
func (u *Upcoming) title(lang string) string {
	switch {
	case lang == "en" && u.ProgrammeEN != "":
		return u.ProgrammeEN
	case lang == "ar" && u.ProgrammeAR != "":
		return u.ProgrammeAR
	}
	return u.Programme
}

const upcomingColumns = `m.id, e.learner_id, c.antenna_id, m.starts_at, e.since, p.title, p.title_en, p.title_ar,
	COALESCE(pl.name, ''), COALESCE(pl.address || ', ' || pl.postcode || ' ' || pl.city, ''),
	l.first_name, l.last_name, l.phone, l.email, l.lang, a.name, a.phone, a.timezone`

const upcomingFrom = ` FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
	JOIN enrolments e ON e.cohort_id = c.id AND e.state = 'enrolled'
	JOIN learners l ON l.id = e.learner_id AND l.merged_into IS NULL
	JOIN antennas a ON a.id = c.antenna_id
	LEFT JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)`

func scanUpcoming(row db.Scanner) (*Upcoming, error) {
	var u Upcoming
	var starts, since, tz string
	err := row.Scan(&u.MeetingID, &u.LearnerID, &u.AntennaID, &starts, &since, &u.Programme, &u.ProgrammeEN, &u.ProgrammeAR,
		&u.Place, &u.Address, &u.FirstName, &u.LastName, &u.Phone, &u.Email, &u.Lang, &u.AntennaName, &u.AntennaPhone, &tz)
	if err != nil {
		return nil, db.NotFound(err)
	}
	loc, lerr := time.LoadLocation(tz)
	if lerr != nil {
		loc = time.UTC
	}
	u.StartsAt, u.Since = db.ParseTime(starts).In(loc), db.ParseTime(since)
	return &u, nil
}

// reminderMessages writes the person's reminder of u, by SMS and email, with the
// reply link.
func reminderMessages(texts *messages.Texts, u *Upcoming, link string) []messages.Message {
	pr := i18n.For(u.Lang)
	where := u.Place
	if u.Address != "" {
		where += ", " + u.Address
	}
	body := texts.T(u.AntennaID, pr.Lang, "attendance.sms_reminder", "name", u.FirstName, "programme", u.title(pr.Lang),
		"weekday", pr.T(fmt.Sprintf("weekday.%d", u.StartsAt.Weekday())), "date", web.FormatDate(pr, u.StartsAt),
		"time", u.StartsAt.Format("15:04"), "where", where) + " " + pr.T("appointment.sms_cannot_come")
	base := messages.Message{Antenna: u.AntennaID, Learner: u.LearnerID, Kind: "meeting_reminder", Lang: pr.Lang,
		Body: body, Link: link, Expires: u.StartsAt, RefKind: "meeting", RefID: u.MeetingID, ToName: u.FirstName + " " + u.LastName}
	var out []messages.Message
	if u.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, u.Phone
		out = append(out, m)
	}
	if u.Email != "" {
		m := base
		m.Channel, m.To = messages.Email, u.Email
		m.Subject = pr.T("attendance.email_subject_reminder", "programme", u.title(pr.Lang), "date", web.FormatDate(pr, u.StartsAt),
			"time", u.StartsAt.Format("15:04"))
		out = append(out, m)
	}
	return out
}

// The reminder's words, which managers may change for their antenna.
func init() {
	messages.Register(messages.Template{Key: "attendance.sms_reminder", Label: "attendance.template_reminder",
		Placeholders: []string{"name", "programme", "weekday", "date", "time", "where"},
		Sample: map[string]string{"name": "Amina", "programme": "Premiers pas avec le smartphone", "weekday": "mardi",
			"date": "8 décembre 2026", "time": "09:30", "where": "La Grappe, 45 rue du Faubourg de Roubaix, 59800 Lille"},
		TailKey: "appointment.sms_cannot_come", Link: "https://tremplin.example/m/abcdefghijkl"})
}

type planArgs struct{}

func (planArgs) Kind() string { return "meeting_reminders" }

// Planner is the periodic job that queues the meetings' reminders coming due.
type Planner struct {
	river.WorkerDefaults[planArgs]
	DB      *db.DB
	Outbox  *messages.Outbox
	BaseURL string
	Now     func() time.Time
}

// Periodic is the planner's schedule, for the queue.
func Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(messages.PlanEvery),
		func() (river.JobArgs, *river.InsertOpts) { return planArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "meeting_reminders"})
}

func (p *Planner) Work(ctx context.Context, _ *river.Job[planArgs]) error {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	_, err := PlanReminders(ctx, p.DB, p.Outbox, p.BaseURL, now)
	return err
}

// PlanReminders queues the reminders of the meetings ahead that fall due before
// now+messages.PlanAhead, once each however often it runs, and returns how many
// messages it queued. A reminder whose moment came before the person's enrolment
// is not sent (the enrolment message said it).
func PlanReminders(ctx context.Context, d *db.DB, o *messages.Outbox, baseURL string, now time.Time) (int, error) {
	horizon := now.Add(messages.PlanAhead + messages.ReminderBefore)
	list, err := db.Collect[*Upcoming](d.QueryContext(ctx, "SELECT "+upcomingColumns+upcomingFrom+`
		WHERE m.starts_at > $1 AND m.starts_at <= $2 AND m.cancelled_at = '' AND c.state <> 'cancelled'
		ORDER BY m.starts_at, m.id, e.learner_id`, db.FormatTime(now), db.FormatTime(horizon)))(scanUpcoming)
	if err != nil {
		return 0, err
	}
	queued := 0
	for start := 0; start < len(list); start += 1000 {
		batch := list[start:min(start+1000, len(list))]
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			var ms []messages.Message
			var links []messages.LinkRequest
			type due struct {
				u    *Upcoming
				rule string
				at   time.Time
			}
			var dues []due
			for _, u := range batch {
				for rule, at := range messages.RemindersToPlan(u.StartsAt, u.Since, now) {
					dues = append(dues, due{u: u, rule: rule, at: at})
					links = append(links, messages.LinkRequest{Learner: u.LearnerID, RefKind: "meeting", RefID: u.MeetingID, Expires: u.StartsAt})
				}
			}
			if len(dues) == 0 {
				return nil
			}
			tokens, err := messages.ReplyLinks(ctx, tx, links)
			if err != nil {
				return err
			}
			var antennas []int64
			for _, x := range dues {
				antennas = append(antennas, x.u.AntennaID)
			}
			texts, err := messages.LoadTexts(ctx, tx, antennas...)
			if err != nil {
				return err
			}
			for i, x := range dues {
				for _, m := range reminderMessages(texts, x.u, baseURL+"/m/"+tokens[i]) {
					m.SendAt = x.at
					m.Dedupe = fmt.Sprintf("reminder:meeting:%d:%d:%d:%s:%s", x.u.MeetingID, x.u.LearnerID, x.u.StartsAt.Unix(), x.rule, m.Channel)
					ms = append(ms, m)
				}
			}
			n, err := o.Add(ctx, tx, ms...)
			queued += n
			return err
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

// replyPage is what a person sees from the link in a meeting's reminder.
type replyPage struct {
	U            *Upcoming
	Title        string
	Token        string
	Open         bool
	Answered     bool
	AntennaPhone string
}

func (h *Handlers) meetingReply(w http.ResponseWriter, r *http.Request) (*replyPage, bool) {
	ctx := r.Context()
	link, err := messages.ReplyByToken(ctx, h.DB, "meeting", r.PathValue("token"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	// The person's meeting, even if they have left the cohort since (the page
	// then says it is too late rather than failing).
	u, err := scanUpcoming(h.DB.QueryRowContext(ctx, "SELECT "+upcomingColumnsAny+upcomingFromAny+" WHERE m.id = $1 AND l.id = $2",
		link.RefID, link.LearnerID))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	now := time.Now()
	if h.Now != nil {
		now = h.Now()
	}
	return &replyPage{U: u, Title: u.title(i18n.FromContext(ctx).Lang), Token: link.Token, Open: link.Open(now),
		Answered: link.Answer != "", AntennaPhone: u.AntennaPhone}, true
}

// upcomingColumnsAny and upcomingFromAny read a person's meeting whatever their
// enrolment's state.
const upcomingColumnsAny = `m.id, l.id, c.antenna_id, m.starts_at, m.starts_at, p.title, p.title_en, p.title_ar,
	COALESCE(pl.name, ''), COALESCE(pl.address || ', ' || pl.postcode || ' ' || pl.city, ''),
	l.first_name, l.last_name, l.phone, l.email, l.lang, a.name, a.phone, a.timezone`

const upcomingFromAny = ` FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
	CROSS JOIN learners l JOIN antennas a ON a.id = c.antenna_id
	LEFT JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)`

// MeetingReply shows the person the meeting and a button to say they cannot
// come: GET /m/{token}.
func (h *Handlers) MeetingReply(w http.ResponseWriter, r *http.Request) {
	page, ok := h.meetingReply(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render.Render(w, r, http.StatusOK, "attendance/reply.html", page, nil)
}

// CannotCome records the person's word and stops the meeting's reminders to them:
// POST /m/{token}. The roll call shows it and starts them as excused; the mark
// itself stays the adviser's, taken at the meeting.
func (h *Handlers) CannotCome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, ok := h.meetingReply(w, r)
	if !ok {
		return
	}
	if page.Open {
		now := time.Now()
		if h.Now != nil {
			now = h.Now()
		}
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			ok, err := messages.Answer(ctx, tx, page.Token, "cannot_come", now)
			if err != nil || !ok {
				return err
			}
			return messages.Cancel(ctx, tx, "meeting", page.U.MeetingID, page.U.LearnerID)
		})
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if h.Log != nil {
			h.Log.InfoContext(ctx, "excused by the person", "meeting_id", page.U.MeetingID, "learner_id", page.U.LearnerID)
		}
	}
	http.Redirect(w, r, "/m/"+page.Token, http.StatusSeeOther)
}
