package notify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// DeliveryStatus is what became of a text message after the provider took it.
type DeliveryStatus string

const (
	// StatusSent: on its way, no final news yet (queued, accepted, en route…).
	StatusSent DeliveryStatus = "sent"
	// StatusDelivered: the phone received it.
	StatusDelivered DeliveryStatus = "delivered"
	// StatusFailed: it will not arrive (refused, undeliverable, rejected…).
	StatusFailed DeliveryStatus = "failed"
	// StatusExpired: the phone stayed off or out of reach until the network
	// gave up; the number itself may be fine.
	StatusExpired DeliveryStatus = "expired"
)

// Final reports whether no later receipt is expected for the message.
func (s DeliveryStatus) Final() bool { return s != StatusSent }

// StatusReport is one delivery receipt from the SMS provider.
type StatusReport struct {
	ProviderID string // the id the provider gave the message when it took it
	Reference  string // our own id, when the provider sends it back
	Status     DeliveryStatus
	Code       string // the provider's error code, if any
	// Undeliverable is true when the number cannot receive text messages at all
	// (a landline, an unknown subscriber): worth telling whoever typed it.
	Undeliverable bool
	Raw           string // the provider's own status word, for the log
}

// ErrCallbackAuth is returned by ParseStatusCallback when the request proves no
// knowledge of the secret: the handler answers 403. Any other error from it is
// about a malformed request (400).
var ErrCallbackAuth = errors.New("sms status: wrong secret or signature")

// maxCallback bounds the body of a delivery receipt, which is a few fields.
const maxCallback = 64 << 10

// ParseStatusCallback reads a delivery receipt the provider posts to us and
// checks that it comes from the provider, who proves it knows secret in one of
// two ways: the secret is the last part of the URL it calls, which the route
// names {secret} (POST /sms/status/{secret}), or the header X-Signature holds
// the hex HMAC-SHA256 of the raw body keyed with the secret (an optional
// "sha256=" before it is allowed). Both are compared in constant time; an
// empty secret accepts nothing.
//
// The body is JSON or a form with the fields id (or message_id: the
// provider's id), reference (ours), status and error_code (or code). The status
// words of common providers and of SMPP receipts are understood: delivered,
// sent, failed, undeliverable, expired, and undelivered, rejected, queued,
// DELIVRD, UNDELIV…; an unknown word is read as StatusSent, no final news.
func ParseStatusCallback(r *http.Request, secret string) (StatusReport, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCallback+1))
	if err != nil {
		return StatusReport{}, fmt.Errorf("sms status: reading the body: %w", err)
	}
	if secret == "" || !(sameSecret(r.PathValue("secret"), secret) || signed(r.Header.Get("X-Signature"), body, secret)) {
		return StatusReport{}, ErrCallbackAuth
	}
	if len(body) > maxCallback {
		return StatusReport{}, errors.New("sms status: body too large")
	}
	fields, err := callbackFields(r.Header.Get("Content-Type"), body)
	if err != nil {
		return StatusReport{}, err
	}
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(fields[n]); v != "" {
				return v
			}
		}
		return ""
	}
	rep := StatusReport{
		ProviderID: first("id", "message_id"),
		Reference:  first("reference"),
		Code:       first("error_code", "code"),
		Raw:        first("status"),
	}
	if rep.ProviderID == "" && rep.Reference == "" {
		return StatusReport{}, errors.New("sms status: neither id nor reference")
	}
	if rep.Raw == "" {
		return StatusReport{}, errors.New("sms status: no status")
	}
	rep.Status, rep.Undeliverable = deliveryStatus(rep.Raw)
	if rep.Status != StatusDelivered && undeliverableCodes[strings.ToLower(rep.Code)] {
		rep.Status, rep.Undeliverable = StatusFailed, true
	}
	return rep, nil
}

// sameSecret compares the secrets' digests, so that the time taken says
// nothing about either, not even its length.
func sameSecret(got, want string) bool {
	if got == "" {
		return false
	}
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func signed(header string, body []byte, secret string) bool {
	sig, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(header), "sha256="))
	if header == "" || err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// callbackFields reads a JSON object (strings and numbers) or a form.
func callbackFields(contentType string, body []byte) (map[string]string, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/json" || (mt != "application/x-www-form-urlencoded" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, fmt.Errorf("sms status: %w", err)
		}
		fields := make(map[string]string, len(raw))
		for k, v := range raw {
			fields[strings.ToLower(k)] = scalar(v)
		}
		return fields, nil
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("sms status: %w", err)
	}
	fields := make(map[string]string, len(v))
	for k := range v {
		fields[strings.ToLower(k)] = v.Get(k)
	}
	return fields, nil
}

// deliveryStatus maps a provider's status word to ours.
func deliveryStatus(word string) (s DeliveryStatus, undeliverable bool) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "delivered", "delivrd", "delivered_to_handset", "delivered_to_terminal", "deliveredtoterminal", "read", "success", "succeeded":
		return StatusDelivered, false
	case "undeliverable":
		return StatusFailed, true
	case "failed", "failure", "undelivered", "undeliv", "rejected", "rejectd", "refused", "deleted", "blocked", "error", "cancelled", "canceled":
		return StatusFailed, false
	case "expired", "expird":
		return StatusExpired, false
	}
	return StatusSent, false // sent, queued, accepted, enroute, buffered, unknown…
}

// undeliverableCodes are error codes that say the number cannot receive a text
// message, whatever is sent: Twilio's 30005 (unknown handset) and 30006
// (landline or unreachable carrier), and the plain words some providers use.
var undeliverableCodes = map[string]bool{
	"30005": true, "30006": true,
	"landline": true, "not_mobile": true, "unknown_subscriber": true, "invalid_number": true,
}
