package messages_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/notify/smsfake"
	"tremplin/internal/platform/queue"
	"tremplin/internal/platform/web"
	"tremplin/internal/training/trainingtest"
)

// world is a database with an antenna in Paris time, a person, a fake SMS
// provider on loopback and an outbox that only enqueues.
type world struct {
	t        *testing.T
	d        *db.DB
	f        *trainingtest.Fixture
	provider *smsfake.Provider
	sms      notify.SMS
	outbox   *messages.Outbox
	learner  int64
	phone    string
}

func newWorld(t *testing.T, d *db.DB) *world {
	w := &world{t: t, d: d, f: trainingtest.New(t, d, "Lille", "Europe/Paris"), provider: smsfake.New(t)}
	var err error
	if w.sms, err = notify.NewSMS(w.provider.URL(), slog.Default()); err != nil {
		t.Fatal(err)
	}
	q, err := queue.New(d, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	w.outbox = &messages.Outbox{Queue: q}
	w.learner = w.f.Learner("Amina")
	if err := d.QueryRowContext(context.Background(), "SELECT phone FROM learners WHERE id = $1", w.learner).Scan(&w.phone); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) add(ms ...messages.Message) []int64 {
	w.t.Helper()
	ctx := context.Background()
	err := w.d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := w.outbox.Add(ctx, tx, ms...)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []int64
	err = db.Each(w.d.QueryContext(ctx, "SELECT id FROM messages ORDER BY id"))(func(row db.Scanner) error {
		id, err := db.ScanInt64(row)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return ids
}

func (w *world) sms1(body string) messages.Message {
	return messages.Message{Antenna: w.f.Antenna.ID, Learner: w.learner, Channel: messages.SMS, Kind: "test",
		Lang: "fr", To: w.phone, Body: body}
}

// state reads a message's state and reason.
func (w *world) state(id int64) (string, string) {
	w.t.Helper()
	var state, reason string
	if err := w.d.QueryRowContext(context.Background(), "SELECT state, reason FROM messages WHERE id = $1", id).Scan(&state, &reason); err != nil {
		w.t.Fatal(err)
	}
	return state, reason
}

// work hands one message to a sender as River would on the given attempt.
func work(s *messages.Sender, id int64, attempt int) error {
	job := &river.Job[messages.SendArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 12}, Args: messages.SendArgs{ID: id}}
	return s.Work(context.Background(), job)
}

// paris is a moment on the antenna's clock.
func paris(t *testing.T, day, clock string) time.Time {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestEveryMessageGoesOnceThoughTwoProcessesWorkTheQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		// A change that rolls back queues nothing.
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := w.outbox.Add(ctx, tx, w.sms1("never")); err != nil {
				return err
			}
			return errors.New("the change failed")
		})
		if err == nil {
			t.Fatal("the transaction should have failed")
		}
		// Ten due together (one batch job), ten each at its own moment (ten jobs).
		var ms []messages.Message
		soon := time.Now().Add(time.Second)
		for i := range 20 {
			m := w.sms1("message " + strconv.Itoa(i))
			if i >= 10 {
				m.SendAt = soon.Add(time.Duration(i) * 10 * time.Millisecond)
			}
			ms = append(ms, m)
		}
		ids := w.add(ms...)
		if len(ids) != 20 {
			t.Fatalf("%d messages queued, want 20 (the rolled-back one must not be)", len(ids))
		}
		// Two processes share the database, each with its own workers.
		for range 2 {
			workers := river.NewWorkers()
			// Mid-morning on the antenna's clock, whatever the time of the run.
			sender := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return paris(t, "2026-12-07", "10:00") }}
			river.AddWorker(workers, sender)
			river.AddWorker(workers, &messages.Batch{Sender: sender})
			q, err := queue.New(d, queue.Config{Workers: workers, Poll: 50 * time.Millisecond, Concurrency: 3})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { q.Stop(context.Background()) })
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			var left int
			d.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE state <> 'sent'").Scan(&left)
			if left == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d messages not sent: %d reached the provider", left, len(w.provider.Messages()))
			}
			time.Sleep(20 * time.Millisecond)
		}
		got := map[string]int{}
		for _, m := range w.provider.Messages() {
			got[m.Reference]++
			if m.To != w.phone {
				t.Errorf("sent to %q, want %q", m.To, w.phone)
			}
		}
		for _, id := range ids {
			if n := got[strconv.FormatInt(id, 10)]; n != 1 {
				t.Errorf("message %d reached the provider %d times, want once", id, n)
			}
			if state, _ := w.state(id); state != messages.Sent {
				t.Errorf("message %d is %s, want sent", id, state)
			}
		}
		if len(got) != 20 {
			t.Errorf("the provider received %d distinct messages, want 20", len(got))
		}
	})
}

func TestNoSMSAtNightExceptSameDayChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		night := paris(t, "2026-12-07", "22:30")
		s := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return night }}
		reminder := w.sms1("Rappel : atelier demain à 10:00")
		reminder.Expires = paris(t, "2026-12-08", "10:00")
		change := w.sms1("Atelier de ce soir annulé")
		change.Urgent = true
		ids := w.add(reminder, change)

		var snooze *rivertype.JobSnoozeError
		if err := work(s, ids[0], 1); !errors.As(err, &snooze) {
			t.Fatalf("a reminder at 22:30 must wait for the morning, got %v", err)
		}
		if want := paris(t, "2026-12-08", "08:00").Sub(night); snooze.Duration != want {
			t.Errorf("held for %s, want until 08:00 (%s)", snooze.Duration, want)
		}
		if state, reason := w.state(ids[0]); state != messages.Queued || reason != messages.ReasonQuietHours {
			t.Errorf("the held reminder is %s (%s), want queued (quiet_hours)", state, reason)
		}
		if err := work(s, ids[1], 1); err != nil {
			t.Fatal(err)
		}
		if state, _ := w.state(ids[1]); state != messages.Sent {
			t.Errorf("a same-day change is %s at night, want sent", state)
		}
		if n := len(w.provider.Messages()); n != 1 {
			t.Errorf("%d SMS reached the provider at night, want only the urgent one", n)
		}
		// At 08:00 the reminder goes.
		s.Now = func() time.Time { return paris(t, "2026-12-08", "08:00") }
		if err := work(s, ids[0], 1); err != nil {
			t.Fatal(err)
		}
		if state, _ := w.state(ids[0]); state != messages.Sent {
			t.Errorf("the reminder is %s at 08:00, want sent", state)
		}
	})
}

func TestAMessagePastItsMomentOrToSomeoneWhoSaidStopIsNotSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		noon := paris(t, "2026-12-07", "12:00")
		s := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return noon }}
		late := w.sms1("Rappel : atelier à 10:00")
		late.Expires = paris(t, "2026-12-07", "10:00")
		ids := w.add(late, w.sms1("Votre inscription est confirmée"))
		if err := work(s, ids[0], 3); err != nil {
			t.Fatal(err)
		}
		if state, reason := w.state(ids[0]); state != messages.Dropped || reason != messages.ReasonLate {
			t.Errorf("a reminder after its meeting is %s (%s), want dropped (late)", state, reason)
		}
		if n, err := messages.TurnOff(context.Background(), d, w.phone, "stop", noon); err != nil || n != 1 {
			t.Fatalf("turn off: %d files, %v", n, err)
		}
		if err := work(s, ids[1], 1); err != nil {
			t.Fatal(err)
		}
		if state, reason := w.state(ids[1]); state != messages.Dropped || reason != messages.ReasonOptedOut {
			t.Errorf("a message to someone who said STOP is %s (%s), want dropped (opted_out)", state, reason)
		}
		if n := len(w.provider.Messages()); n != 0 {
			t.Errorf("%d SMS reached the provider, want none", n)
		}
	})
}

func TestTheDailyCapHoldsTheRestForTomorrow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		if _, err := d.Exec(context.Background(), "UPDATE antennas SET sms_daily_cap = 2 WHERE id = $1", w.f.Antenna.ID); err != nil {
			t.Fatal(err)
		}
		morning := paris(t, "2026-12-07", "09:00")
		s := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return morning }}
		ids := w.add(w.sms1("un"), w.sms1("deux"), w.sms1("trois"))
		for _, id := range ids[:2] {
			if err := work(s, id, 1); err != nil {
				t.Fatal(err)
			}
		}
		var snooze *rivertype.JobSnoozeError
		if err := work(s, ids[2], 1); !errors.As(err, &snooze) {
			t.Fatalf("the third SMS of a day capped at 2 must wait, got %v", err)
		}
		if want := paris(t, "2026-12-08", "08:00").Sub(morning); snooze.Duration != want {
			t.Errorf("held for %s, want until tomorrow 08:00", snooze.Duration)
		}
		if state, reason := w.state(ids[2]); state != messages.Queued || reason != messages.ReasonCap {
			t.Errorf("the third is %s (%s), want queued (cap)", state, reason)
		}
		// A retry of a message already counted today does not count twice.
		w.provider.FailNext(1, http.StatusServiceUnavailable)
		ids = w.add(w.sms1("quatre"))
		s.Now = func() time.Time { return paris(t, "2026-12-08", "09:00") }
		if err := work(s, ids[3], 1); err == nil {
			t.Fatal("the provider failed: the job must be retried")
		}
		if err := work(s, ids[3], 2); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRowContext(context.Background(), "SELECT n FROM message_counts WHERE antenna_id = $1 AND day = '2026-12-08'", w.f.Antenna.ID).Scan(&n)
		if n != 1 {
			t.Errorf("the day counts %d SMS after one sent in two tries, want 1", n)
		}
	})
}

func TestAProviderOutageIsRetriedThenShownAsAFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		s := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return paris(t, "2026-12-07", "10:00") }}
		ids := w.add(w.sms1("Bonjour"), w.sms1("Bonjour encore"))
		w.provider.Down(true)
		if err := work(s, ids[0], 1); err == nil || notify.PermanentSMS(err) {
			t.Fatalf("a provider down must give a temporary error, got %v", err)
		}
		if state, reason := w.state(ids[0]); state != messages.Sending || !strings.HasPrefix(reason, messages.ReasonProvider) {
			t.Errorf("during the outage the message is %s (%s), want sending (provider…)", state, reason)
		}
		var cancel *rivertype.JobCancelError
		if err := work(s, ids[0], 12); !errors.As(err, &cancel) {
			t.Fatalf("the last attempt must give up, got %v", err)
		}
		if state, reason := w.state(ids[0]); state != messages.Failed || !strings.HasPrefix(reason, messages.ReasonProvider) {
			t.Errorf("after the last attempt the message is %s (%s), want failed (provider…)", state, reason)
		}
		// A number the provider refuses fails at once, without retries.
		w.provider.Down(false)
		w.provider.Refuse(w.phone)
		if err := work(s, ids[1], 1); !errors.As(err, &cancel) {
			t.Fatalf("a refused number must not be retried, got %v", err)
		}
		if state, reason := w.state(ids[1]); state != messages.Failed || !strings.HasPrefix(reason, messages.ReasonRefused) {
			t.Errorf("a refused message is %s (%s), want failed (refused…)", state, reason)
		}
	})
}

func TestDeliveryReceiptsAndStopRepliesReachTheFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		h := &messages.Handlers{Deps: web.Deps{DB: d, Log: slog.Default()}, Secret: "s3cret-callback"}
		mux := http.NewServeMux()
		mux.HandleFunc("POST /sms/status/{secret}", h.Status)
		mux.HandleFunc("POST /sms/reply/{secret}", h.Reply)
		srv := httptest.NewServer(mux)
		defer srv.Close()
		s := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return paris(t, "2026-12-07", "10:00") }}
		ids := w.add(w.sms1("un"), w.sms1("deux"))
		for _, id := range ids {
			if err := work(s, id, 1); err != nil {
				t.Fatal(err)
			}
		}
		sent := w.provider.Messages()
		if len(sent) != 2 {
			t.Fatalf("%d sent, want 2", len(sent))
		}
		var e *smsfake.CallbackError
		if err := w.provider.Deliver(ctx, srv.URL+"/sms/status/x", "wrong", sent[0].ID, "delivered"); !errors.As(err, &e) || e.Status != http.StatusForbidden {
			t.Errorf("a receipt with the wrong secret: %v, want 403", err)
		}
		if err := w.provider.Deliver(ctx, srv.URL+"/sms/status/x", "s3cret-callback", sent[0].ID, "delivered"); err != nil {
			t.Fatal(err)
		}
		if state, _ := w.state(ids[0]); state != messages.Delivered {
			t.Errorf("after its receipt the message is %s, want delivered", state)
		}
		if err := w.provider.Deliver(ctx, srv.URL+"/sms/status/x", "s3cret-callback", sent[1].ID, "undeliverable"); err != nil {
			t.Fatal(err)
		}
		if state, reason := w.state(ids[1]); state != messages.Failed || !strings.HasPrefix(reason, messages.ReasonUndeliverable) {
			t.Errorf("an undeliverable message is %s (%s)", state, reason)
		}
		var flagged string
		d.QueryRowContext(ctx, "SELECT phone_undeliverable_at FROM learners WHERE id = $1", w.learner).Scan(&flagged)
		if flagged == "" {
			t.Error("an undeliverable number must flag the file for a new number")
		}
		// The person answers STOP: nothing more goes.
		res, err := http.PostForm(srv.URL+"/sms/reply/s3cret-callback", url.Values{"from": {w.phone}, "body": {"Stop "}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var off, by string
		d.QueryRowContext(ctx, "SELECT messages_off_at, messages_off_by FROM learners WHERE id = $1", w.learner).Scan(&off, &by)
		if off == "" || by != "stop" {
			t.Errorf("after STOP the file has messages_off_at %q by %q", off, by)
		}
	})
}

// In a batch due together, a message that must wait for the morning waits alone,
// in a job of its own, while the others go.
func TestABatchLetsEachMessageWaitOrFailOnItsOwn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		night := paris(t, "2026-12-07", "22:30")
		urgent := w.sms1("Atelier de ce soir annulé")
		urgent.Urgent = true
		refused := w.sms1("Refusé")
		refused.To, refused.Urgent = "+33699999999", true
		w.provider.Refuse("+33699999999")
		ids := w.add(w.sms1("Rappel : demain 10:00"), urgent, refused)
		workers := river.NewWorkers()
		sender := &messages.Sender{DB: d, SMS: w.sms, Now: func() time.Time { return night }}
		river.AddWorker(workers, sender)
		river.AddWorker(workers, &messages.Batch{Sender: sender})
		q, err := queue.New(d, queue.Config{Workers: workers, Poll: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(context.Background())
		deadline := time.Now().Add(20 * time.Second)
		for {
			st0, r0 := w.state(ids[0])
			st1, _ := w.state(ids[1])
			st2, _ := w.state(ids[2])
			if st0 == messages.Queued && r0 == messages.ReasonQuietHours && st1 == messages.Sent && st2 == messages.Failed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the batch: reminder %s (%s), urgent %s, refused %s", st0, r0, st1, st2)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// The reminder waits in a job of its own, for 08:00.
		var waiting int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = 'message_send' AND state = 'scheduled'").Scan(&waiting)
		if waiting != 1 {
			t.Errorf("%d jobs wait for the morning, want the reminder's", waiting)
		}
	})
}

func TestStopWords(t *testing.T) {
	for body, want := range map[string]bool{"STOP": true, "stop": true, " Arrêt ": true, "arret.": true, "توقف": true,
		"stop sms": true, "Merci": false, "je ne peux pas venir": false, "": false} {
		if got := messages.IsStop(body); got != want {
			t.Errorf("IsStop(%q) = %v, want %v", body, got, want)
		}
	}
}

// A landline cannot receive an SMS: the text is kept as dropped, with the reason
// the file shows, and the email to the same person goes its way; one queued
// before its number was known for a landline is dropped when its turn comes.
func TestNoSMSGoesToALandline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		noon := paris(t, "2026-12-07", "12:00")
		mail := &mailbox{}
		s := &messages.Sender{DB: d, SMS: w.sms, Mail: mail, Now: func() time.Time { return noon }}
		var ms []messages.Message
		for _, landline := range []string{"+33320123456", "+2651775123", "+93234567890", "+963112345678"} {
			m := w.sms1("Votre inscription est confirmée")
			m.To = landline
			ms = append(ms, m)
		}
		email := w.sms1("Votre inscription est confirmée")
		email.Channel, email.To, email.Subject = messages.Email, "amina@example.org", "Inscription"
		mobile := w.sms1("Votre inscription est confirmée")
		mobile.To = "+93701234567"
		ids := w.add(append(ms, email, mobile)...)
		for i, id := range ids {
			if err := work(s, id, 1); err != nil {
				t.Fatal(err)
			}
			state, reason := w.state(id)
			switch {
			case i < len(ms) && (state != messages.Dropped || reason != messages.ReasonLandline):
				t.Errorf("an SMS to the landline %s is %s (%s), want dropped (landline)", ms[i].To, state, reason)
			case i >= len(ms) && state != messages.Sent:
				t.Errorf("message %d is %s (%s), want sent", i, state, reason)
			}
		}
		if sent := w.provider.Messages(); len(sent) != 1 || sent[0].To != "+93701234567" {
			t.Errorf("the provider got %+v, want the Afghan mobile's SMS only", sent)
		}
		if got := mail.sent; len(got) != 1 || got[0].To != "amina@example.org" {
			t.Errorf("emails sent: %+v, want the one to amina@example.org", got)
		}

		// Queued to a number that was then known for a landline.
		ids = w.add(w.sms1("Rappel"))
		last := ids[len(ids)-1]
		if _, err := d.Exec(context.Background(), "UPDATE messages SET recipient = '+33320123456' WHERE id = $1", last); err != nil {
			t.Fatal(err)
		}
		if err := work(s, last, 1); err != nil {
			t.Fatal(err)
		}
		if state, reason := w.state(last); state != messages.Dropped || reason != messages.ReasonLandline {
			t.Errorf("an SMS queued to a landline is %s (%s), want dropped (landline)", state, reason)
		}
		if n := len(w.provider.Messages()); n != 1 {
			t.Errorf("%d SMS reached the provider, want only the mobile's", n)
		}
	})
}

// mailbox keeps the emails handed to it.
type mailbox struct{ sent []notify.Email }

func (m *mailbox) Send(_ context.Context, e notify.Email) error {
	m.sent = append(m.sent, e)
	return nil
}
