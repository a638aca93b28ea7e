package auth

import (
	"context"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/signin"
)

// Sign-in limits, kept in the database so that every web process counts the same
// failures.
//
// An account is never paused for everyone: that would let any stranger who knows
// a staff member's email lock them out of their work for as long as they like.
// Instead failures are counted per account and address: after maxPerAccountAddress
// failures on one account from one address, that address waits failureWindow for
// that account, while the owner signs in from anywhere else (their office, their
// phone). An address that fails maxPerAddress times, whatever the accounts, waits
// too, so that one address cannot try many accounts. Guessing spread over many
// addresses is not stopped by a count (that would again lock the owner out): it is
// made slow by argon2id and the password's minimum length, and the owner is told by
// email, once per window, as soon as their account gathers alertAfter failures from
// anywhere, so that they can choose a new password.
const (
	failureWindow        = 15 * time.Minute
	maxPerAccountAddress = 5
	maxPerAddress        = 30
	alertAfter           = 5
)

// resetQuota limits the "forgot my password" links: 3 to an account an hour (no
// mailbox flooding), 10 requests from one address an hour, whatever the emails.
var resetQuota = signin.Quota{PerAccount: 3, PerAddress: 10, Window: time.Hour}

// tooManyFailures reports whether sign-in to this email is paused for this address.
func tooManyFailures(ctx context.Context, d *db.DB, email, address string) (bool, error) {
	since := time.Now().Add(-failureWindow).Unix()
	var here, byAddress int
	err := d.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE email = $1 AND address = $2 AND at > $3),
		(SELECT COUNT(*) FROM login_failures WHERE address = $2 AND at > $3)`, email, address, since).Scan(&here, &byAddress)
	if err != nil {
		return false, err
	}
	return here >= maxPerAccountAddress || byAddress >= maxPerAddress, nil
}

// recordFailure counts a failed sign-in, and forgets those older than a day.
func recordFailure(ctx context.Context, d *db.DB, email, address string) error {
	now := time.Now().Unix()
	if _, err := d.Exec(ctx, "DELETE FROM login_failures WHERE at < $1", now-24*3600); err != nil {
		return err
	}
	_, err := d.Exec(ctx, "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)", email, address, now)
	return err
}

// clearFailures forgets the failures from the address that has just signed in:
// the owner's own typing mistakes, not what others tried from elsewhere.
func clearFailures(ctx context.Context, d *db.DB, email, address string) error {
	_, err := d.Exec(ctx, "DELETE FROM login_failures WHERE email = $1 AND address = $2", email, address)
	return err
}

// alertOwner emails st, in their language and at most once per failureWindow,
// when their account has gathered alertAfter failed sign-ins within the window,
// from whatever addresses. A mail server failure is logged: the next failures
// will not tell again within the window, but the sign-in limits hold all the same.
func (s *Service) alertOwner(ctx context.Context, st *Staff) error {
	now := time.Now()
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $2",
		st.Email, now.Add(-failureWindow).Unix()).Scan(&n); err != nil || n < alertAfter {
		return err
	}
	// Whoever sets the time tells; a simultaneous failure finds it set.
	res, err := s.DB.Exec(ctx, "UPDATE staff SET login_alert_at = $1 WHERE id = $2 AND (login_alert_at IS NULL OR login_alert_at <= $3)",
		db.FormatTime(now), st.ID, db.FormatTime(now.Add(-failureWindow)))
	if err != nil {
		return err
	}
	if told, _ := res.RowsAffected(); told != 1 {
		return nil
	}
	p := i18n.For(st.Lang)
	err = s.Mail.Send(ctx, notify.Email{To: st.Email, Subject: p.T("login.alert.subject"),
		Body: p.T("login.alert.body", "name", st.Name, "minutes", int(failureWindow.Minutes()), "link", s.BaseURL+"/password/forgot")})
	if err != nil {
		s.Log.Error("sign-in alert not sent", "staff_id", st.ID, "err", err)
	}
	s.Log.Warn("repeated failed sign-ins", "staff_id", st.ID, "failures", n)
	return nil
}
