// Package notify sends emails (and, later, text messages) to staff, learners and
// partners. The default driver writes each message to the log, so a developer sees
// what would have been sent; SMTP is chosen by configuration.
package notify

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
)

// Email is one message to one person.
type Email struct {
	To      string
	ToName  string // the recipient's display name, optional
	Subject string
	Body    string // plain text
}

// Mailer sends emails.
type Mailer interface {
	Send(ctx context.Context, m Email) error
}

// LogMailer writes emails to the log instead of sending them.
type LogMailer struct{ Log *slog.Logger }

func (l LogMailer) Send(ctx context.Context, m Email) error {
	l.Log.InfoContext(ctx, "email (log driver, not sent)", "to", m.To, "to_name", m.ToName, "subject", m.Subject, "body", m.Body)
	return nil
}

// NewMailer returns the log driver for an empty URL, else an SMTP mailer for a URL
// such as smtp://user:password@smtp.example.org:587?from=antenne@example.org (see
// SMTPMailer for the other parameters).
func NewMailer(rawURL string, log *slog.Logger) (Mailer, error) {
	if rawURL == "" {
		return LogMailer{Log: log}, nil
	}
	m, err := newSMTPMailer(rawURL, log)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Outbox keeps sent emails in memory: for tests, and for a demo without a mail
// server where someone wants to read what was sent.
type Outbox struct {
	mu   sync.Mutex
	sent []Email
	sms  []SentSMS
}

func (o *Outbox) Send(_ context.Context, m Email) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// Sent returns a copy of the emails sent so far.
func (o *Outbox) Sent() []Email {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Email(nil), o.sent...)
}

// SMSMessage is one text message to one phone.
type SMSMessage struct {
	To   string // E.164
	Body string
	// Reference is our own id for the message, sent along so that a provider
	// that supports it drops a second copy (a retry after a lost answer) instead
	// of texting the person twice. Empty when the caller has none.
	Reference string
}

// SMS sends text messages: many learners have a phone and no email.
type SMS interface {
	// SendSMS hands m to the provider and returns the provider's id for it
	// (empty when the provider gives none), which its delivery receipts name.
	// PermanentSMS tells whether an error is worth another try.
	SendSMS(ctx context.Context, m SMSMessage) (providerID string, err error)
}

// LogSMS writes text messages to the log instead of sending them.
type LogSMS struct{ Log *slog.Logger }

func (l LogSMS) SendSMS(ctx context.Context, m SMSMessage) (string, error) {
	l.Log.InfoContext(ctx, "sms (log driver, not sent)", "to", m.To, "reference", m.Reference, "body", m.Body)
	return "", nil
}

// SentSMS is a text message kept by the Outbox.
type SentSMS struct{ To, Body, Reference string }

// SendSMS keeps every message it is given, duplicates included, so that a test
// sees a message sent twice; the id it returns is "outbox-" and the message's
// rank from 1.
func (o *Outbox) SendSMS(_ context.Context, m SMSMessage) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sms = append(o.sms, SentSMS(m))
	return "outbox-" + strconv.Itoa(len(o.sms)), nil
}

// SMSSent returns a copy of the text messages sent so far.
func (o *Outbox) SMSSent() []SentSMS {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]SentSMS(nil), o.sms...)
}
