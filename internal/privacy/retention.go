package privacy

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// The kinds of data whose period is a dated parameter (retention_periods).
const (
	LearnerFiles = "learner_files"
	AuditEvents  = "audit_events"
	TaxReceipts  = "tax_receipts"
)

// NoticeDays is how long before its anonymisation a file is listed for the
// staff and its person told: the day of anonymisation is never sooner.
const NoticeDays = 30

// Anonymous is the first name an anonymised file keeps, so that lists still
// have something to show and to link.
const Anonymous = "—"

// NoticeKind is the kind of the message that tells a person their file is
// about to be anonymised: it is not activity of the file.
const NoticeKind = "retention_notice"

// Period is the period in months in force on day at for a kind of data.
func Period(ctx context.Context, q db.Execer, kind string, at time.Time) (int, error) {
	var months int
	err := q.QueryRowContext(ctx, `SELECT months FROM retention_periods WHERE kind = $1 AND valid_from <= $2
		ORDER BY valid_from DESC LIMIT 1`, kind, at.UTC().Format(time.DateOnly)).Scan(&months)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errors.New("privacy: no retention period for " + kind)
	}
	return months, err
}

// lastActivity is the moment of the last activity of the file of learner l:
// its creation or change (contacts recorded, decisions, exit), a note, a
// contact, a mark of attendance, an appointment (booked, changed or its day),
// a follow-up recorded, a referral or one of its events, a message sent to the
// person (but the notice of anonymisation), an enrolment's change, a
// positioning test. Timestamps are stored as RFC 3339 text: the greatest is
// the latest.
const lastActivity = `(SELECT MAX(x.at) FROM (
	SELECT l.created_at AS at UNION ALL SELECT l.updated_at
	UNION ALL SELECT MAX(at) FROM learner_history WHERE learner_id = l.id
	UNION ALL SELECT MAX(at) FROM learner_contacts WHERE learner_id = l.id
	UNION ALL SELECT MAX(at) FROM learner_notes WHERE learner_id = l.id
	UNION ALL SELECT MAX(marked_at) FROM attendance WHERE learner_id = l.id
	UNION ALL SELECT MAX(updated_at) FROM appointments WHERE learner_id = l.id
	UNION ALL SELECT MAX(starts_at) FROM appointments WHERE learner_id = l.id
	UNION ALL SELECT MAX(recorded_at) FROM learner_followups WHERE learner_id = l.id
	UNION ALL SELECT MAX(updated_at) FROM referral_people WHERE learner_id = l.id
	UNION ALL SELECT MAX(e.at) FROM referral_events e JOIN referral_people p ON p.id = e.person_id WHERE p.learner_id = l.id
	UNION ALL SELECT MAX(created_at) FROM messages WHERE learner_id = l.id AND kind <> '` + NoticeKind + `'
	UNION ALL SELECT MAX(updated_at) FROM enrolments WHERE learner_id = l.id
	UNION ALL SELECT MAX(taken_at) FROM positioning_tests WHERE learner_id = l.id) x)`

// stillQuiet holds for a file l without activity since it was listed, and
// stillListed for a listed one.
const (
	stillQuiet  = lastActivity + ` < l.retention_listed_at`
	stillListed = `l.retention_due_on <> '' AND ` + stillQuiet
)

// Holds are the legal grounds for keeping a learner's file as it is, each an
// SQL condition on learners l with $1 and $2 from holdBounds: the purge waits while one
// holds, and erasure on request is refused with its reason
// (privacy.hold.<code>).
//   - certifying_attendance: the person attended a certifying course (a
//     programme marked certifying, funded by public money or the CPF) whose
//     cohort ended less than funded_attendance's period ago: the named
//     attendance sheets are the funder's evidence at a control (Code du
//     travail, L6353-1 and R6332-26: the training body keeps them for its
//     funders' controls).
//   - donated_device: the person received a donated device from a gift made
//     within the tax receipts' six years: the device's placement shows the gift
//     in kind served the association's purpose (CGI 200 and 238 bis), if the
//     tax administration asks about the receipt.
var Holds = []struct{ Code, Where string }{
	{"certifying_attendance", `EXISTS (SELECT 1 FROM attendance a JOIN meetings m ON m.id = a.meeting_id
		JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		WHERE a.learner_id = l.id AND a.mark IN ('present', 'late') AND p.certifying
		AND c.ends_on >= $1)`},
	{"donated_device", `EXISTS (SELECT 1 FROM donated_devices dd JOIN gifts g ON g.id = dd.gift_id
		WHERE dd.learner_id = l.id AND g.received_on >= $2)`},
}

// holdBounds are the days from which a hold still applies ($1, $2 of Holds).
func holdBounds(ctx context.Context, q db.Execer, now time.Time) (attendance, gifts string, err error) {
	funded, err := Period(ctx, q, FundedAttendance, now)
	if err != nil {
		return "", "", err
	}
	tax, err := Period(ctx, q, TaxReceipts, now)
	if err != nil {
		return "", "", err
	}
	return now.AddDate(0, -funded, 0).Format(time.DateOnly), now.AddDate(0, -tax, 0).Format(time.DateOnly), nil
}

// FundedAttendance is the kind of the control period of certifying courses.
const FundedAttendance = "funded_attendance"

// HoldsOf lists the codes of the holds that keep a learner's file.
func HoldsOf(ctx context.Context, q db.Execer, learnerID int64, now time.Time) ([]string, error) {
	att, gifts, err := holdBounds(ctx, q, now)
	if err != nil {
		return nil, err
	}
	var cols []string
	for _, h := range Holds {
		cols = append(cols, "CASE WHEN "+h.Where+" THEN 1 ELSE 0 END")
	}
	held := make([]int, len(Holds))
	ptrs := make([]any, len(Holds))
	for i := range held {
		ptrs[i] = &held[i]
	}
	if err := q.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM learners l WHERE l.id = $3`,
		att, gifts, learnerID).Scan(ptrs...); err != nil {
		return nil, db.NotFound(err)
	}
	var out []string
	for i, h := range Holds {
		if held[i] == 1 {
			out = append(out, h.Code)
		}
	}
	return out, nil
}

func notHeld() string {
	var parts []string
	for _, h := range Holds {
		parts = append(parts, "NOT "+h.Where)
	}
	return strings.Join(parts, " AND ")
}

// Retention is the daily work on learners' files; the purge (Purger) runs it.
type Retention struct {
	DB     *db.DB
	Outbox *messages.Outbox
	Log    *slog.Logger
	// Batch is how many files one transaction lists or anonymises (0: 200):
	// a stop midway loses at most that, never half of one file.
	Batch int
}

// RetentionCounts says what a run did.
type RetentionCounts struct {
	Listed, Told, Unlisted, Anonymised int64
}

// Run applies the learners' files' period as of now, in short transactions,
// and may run again at any time, after a crash midway too:
//   - a listed file with new activity leaves the list;
//   - a file whose last activity is older than the period less NoticeDays is
//     listed, due on its last activity plus the period but not before
//     NoticeDays from now; its person is told once, in their language, by SMS
//     and email where they have them and did not turn messages off;
//   - a listed file still without activity on its day is anonymised (not while
//     a legal hold keeps it).
func (r *Retention) Run(ctx context.Context, now time.Time) (RetentionCounts, error) {
	var c RetentionCounts
	months, err := Period(ctx, r.DB, LearnerFiles, now)
	if err != nil {
		return c, err
	}
	batch := r.Batch
	if batch <= 0 {
		batch = 200
	}
	stamp := db.FormatTime(now)
	// Off the list: new activity since the file was listed.
	res, err := r.DB.Exec(ctx, `UPDATE learners SET retention_due_on = '', retention_listed_at = '', retention_told_at = ''
		WHERE id IN (SELECT l.id FROM learners l WHERE l.retention_due_on <> '' AND l.anonymised_at = '' AND `+lastActivity+` >= l.retention_listed_at)`)
	if err != nil {
		return c, err
	}
	c.Unlisted, _ = res.RowsAffected()

	// On the list, a batch at a time, by id.
	cut := db.FormatTime(now.AddDate(0, -months, NoticeDays))
	earliest := now.AddDate(0, 0, NoticeDays).UTC().Format(time.DateOnly)
	var after int64
	for {
		type file struct {
			id, antenna                         int64
			last, first, lastName, phone, email string
			lang, off                           string
		}
		var files []file
		var step []int64
		err := r.DB.Tx(ctx, func(tx *sql.Tx) error {
			// A step of ids by the primary key, then the inactive among them:
			// whatever indexes the conditions tempt the planner with, the walk
			// reads each file once.
			step, err = db.Collect[int64](tx.QueryContext(ctx, `SELECT id FROM learners WHERE id > $1 ORDER BY id LIMIT `+strconv.Itoa(batch), after))(
				func(row db.Scanner) (int64, error) {
					var id int64
					return id, row.Scan(&id)
				})
			if err != nil || len(step) == 0 {
				return err
			}
			args := db.Args{cut}
			files, err = db.Collect[file](tx.QueryContext(ctx, `SELECT l.id, l.antenna_id, `+lastActivity+`, l.first_name, l.last_name, l.phone,
				l.email, l.lang, l.messages_off_at FROM learners l
				WHERE l.id IN (`+db.InList(&args, step)+`) AND l.merged_into IS NULL AND l.anonymised_at = '' AND l.retention_due_on = ''
				AND l.created_at < $1 AND l.updated_at < $1 AND `+lastActivity+` < $1`, args...))(
				func(row db.Scanner) (file, error) {
					var f file
					return f, row.Scan(&f.id, &f.antenna, &f.last, &f.first, &f.lastName, &f.phone, &f.email, &f.lang, &f.off)
				})
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return nil
			}
			var out []messages.Message
			// One statement for the batch: the days and times are of our own
			// making (dates and RFC 3339), written as literals.
			var dues, tolds, ids strings.Builder
			for i, f := range files {
				due := db.ParseTime(f.last).AddDate(0, months, 0).UTC().Format(time.DateOnly)
				due = max(due, earliest)
				told := ""
				if f.off == "" && (f.phone != "" || f.email != "") && r.Outbox != nil {
					told = stamp
					c.Told++
					out = append(out, notices(f.id, f.antenna, f.lang, f.first, f.lastName, f.phone, f.email, due)...)
				}
				id := strconv.FormatInt(f.id, 10)
				if i > 0 {
					ids.WriteString(", ")
				}
				ids.WriteString(id)
				dues.WriteString(" WHEN " + id + " THEN '" + due + "'")
				tolds.WriteString(" WHEN " + id + " THEN '" + told + "'")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE learners SET retention_due_on = CASE id`+dues.String()+` END,
				retention_told_at = CASE id`+tolds.String()+` END, retention_listed_at = $1 WHERE id IN (`+ids.String()+`)`, stamp); err != nil {
				return err
			}
			if len(out) > 0 {
				if _, err := r.Outbox.Add(ctx, tx, out...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return c, err
		}
		c.Listed += int64(len(files))
		if len(step) < batch {
			break
		}
		after = step[len(step)-1]
	}

	// Anonymised, a batch at a time: the listed files due, still without
	// activity, without a legal hold.
	att, gifts, err := holdBounds(ctx, r.DB, now)
	if err != nil {
		return c, err
	}
	today := now.UTC().Format(time.DateOnly)
	// The files due are walked in the order of their day (a keyset on the
	// partial index), so that those kept by new activity or a hold are read
	// once, not at every batch.
	lastDue, lastID := "", int64(0)
	for {
		var n, seen int
		err := r.DB.Tx(ctx, func(tx *sql.Tx) error {
			type due struct {
				id  int64
				day string
			}
			cands, err := db.Collect[due](tx.QueryContext(ctx, `SELECT id, retention_due_on FROM learners
				WHERE retention_due_on <> '' AND retention_due_on <= $1 AND anonymised_at = ''
				AND (retention_due_on > $2 OR (retention_due_on = $2 AND id > $3))
				ORDER BY retention_due_on, id LIMIT `+strconv.Itoa(batch), today, lastDue, lastID))(func(row db.Scanner) (due, error) {
				var c due
				return c, row.Scan(&c.id, &c.day)
			})
			if err != nil || len(cands) == 0 {
				return err
			}
			seen = len(cands)
			lastDue, lastID = cands[len(cands)-1].day, cands[len(cands)-1].id
			args := db.Args{att, gifts}
			list := make([]int64, len(cands))
			for i, c := range cands {
				list[i] = c.id
			}
			ids, err := db.Collect[int64](tx.QueryContext(ctx, `SELECT l.id FROM learners l WHERE `+stillQuiet+` AND `+notHeld()+`
				AND l.id IN (`+db.InList(&args, list)+`)`, args...))(func(row db.Scanner) (int64, error) {
				var id int64
				return id, row.Scan(&id)
			})
			if err != nil {
				return err
			}
			n = len(ids)
			return Anonymise(ctx, tx, ids, now)
		})
		if err != nil {
			return c, err
		}
		c.Anonymised += int64(n)
		if seen < batch {
			break
		}
	}
	if r.Log != nil {
		r.Log.InfoContext(ctx, "learners' files retention", "listed", c.Listed, "told", c.Told, "unlisted", c.Unlisted, "anonymised", c.Anonymised)
	}
	return c, nil
}

// notices are the messages that tell a person their file will be anonymised
// on day due unless they come back, in their language.
func notices(learner, antenna int64, lang, first, last, phone, email, due string) []messages.Message {
	pr := i18n.For(lang)
	day, _ := time.Parse(time.DateOnly, due)
	base := messages.Message{Antenna: antenna, Learner: learner, Lang: pr.Lang, Kind: NoticeKind, RefKind: "learner", RefID: learner,
		ToName: strings.TrimSpace(first + " " + last), Body: pr.T("privacy.notice.sms", "name", first, "date", web.FormatDate(pr, day)),
		Dedupe: NoticeKind + ":" + strconv.FormatInt(learner, 10) + ":" + due}
	var out []messages.Message
	if phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, phone
		m.Dedupe += ":sms"
		out = append(out, m)
	}
	if email != "" {
		m := base
		m.Channel, m.To, m.Subject = messages.Email, email, pr.T("privacy.notice.subject")
		m.Dedupe += ":email"
		out = append(out, m)
	}
	return out
}

// Anonymise removes, within tx, everything that names the people of ids or
// tells about them in free text, and keeps what the statistics need, coarse:
// the antenna, the status and exit day (the outcome), the enrolments
// (programmes), attendance marks, appointments' outcomes, follow-ups'
// situations, referrals' states, messages' kinds and states; the figures' row
// of each is frozen first (impact.Freeze), so that the dashboards do not
// change. Gone: names, phone, email, birth year, postcode and town, languages,
// situations, gender, equipment, availabilities, how they heard of us, every
// note and reason written by staff or a partner, messages' texts and
// addresses, secondary contacts, search keys, held registration forms, links
// sent to them. The duplicates merged into one go with it. Running it again on
// an anonymised file changes nothing.
func Anonymise(ctx context.Context, tx *sql.Tx, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	if err := impact.Freeze(ctx, tx, ids); err != nil {
		return err
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	merged, err := db.Collect[string](tx.QueryContext(ctx, "SELECT CAST(id AS TEXT) FROM learners WHERE merged_into IN ("+strings.Join(list, ", ")+")"))(
		func(row db.Scanner) (string, error) {
			var id string
			return id, row.Scan(&id)
		})
	if err != nil {
		return err
	}
	people := "(" + strings.Join(append(list, merged...), ", ") + ")"
	steps := []string{
		`UPDATE learners SET first_name = '` + Anonymous + `', last_name = '', phone = '', email = '', birth_year = 0, postcode = '', town = '',
			languages = '', french_level = '', situations = '', equipment = '', availabilities = '', heard_from = '', status_reason = '',
			first_key = '', last_key = '', gender = '', duplicate_of = NULL, assigned_to = NULL, phone_undeliverable_at = '',
			retention_due_on = '', retention_listed_at = '', retention_told_at = '', anonymised_at = $1 WHERE id IN ` + people,
		`DELETE FROM learner_secondary_contacts WHERE learner_id IN ` + people,
		`DELETE FROM learner_notes WHERE learner_id IN ` + people,
		`DELETE FROM learner_keys WHERE learner_id IN ` + people,
		`DELETE FROM booking_links WHERE learner_id IN ` + people,
		`DELETE FROM reply_links WHERE learner_id IN ` + people,
		// The profile shown to recruiters goes, and its CV; the consents stay
		// as the record of what was agreed.
		`DELETE FROM recruiter_profile_courses WHERE learner_id IN ` + people,
		`DELETE FROM recruiter_profiles WHERE learner_id IN ` + people,
		`DELETE FROM recruiter_cvs WHERE learner_id IN ` + people,
		`UPDATE learner_contacts SET note = '' WHERE learner_id IN ` + people,
		`UPDATE learner_history SET detail = '' WHERE learner_id IN ` + people,
		`UPDATE learner_followups SET note = '' WHERE learner_id IN ` + people,
		`UPDATE registrations_held SET form = '', honeypot = '' WHERE learner_id IN ` + people,
		`UPDATE appointments SET note = '', video_url = '' WHERE learner_id IN ` + people,
		`UPDATE messages SET state = 'cancelled', reason = 'anonymised' WHERE state = 'queued' AND learner_id IN ` + people,
		`UPDATE messages SET recipient = '', recipient_name = '', subject = '', body = '' WHERE learner_id IN ` + people,
		`UPDATE referral_people SET reason = '' WHERE learner_id IN ` + people,
		`UPDATE referral_events SET reason = '' WHERE person_id IN (SELECT id FROM referral_people WHERE learner_id IN ` + people + `)`,
		`UPDATE referral_notes SET body = '', language = '' WHERE person_id IN (SELECT id FROM referral_people WHERE learner_id IN ` + people + `)`,
	}
	stamp := db.FormatTime(now)
	for _, q := range steps {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, stamp)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
