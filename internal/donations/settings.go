package donations

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image"
	_ "image/jpeg" // signatures scanned as JPEG
	_ "image/png"
	"net/http"
	"net/url"
	"strings"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Settings are what receipts say of the association beyond its identity.
type Settings struct {
	Address, Postcode, City string
	Purpose                 string
	// BodyKind is what the association is for the tax code: a body of general
	// interest (the usual case), or recognised of public utility.
	BodyKind                      string
	SignatoryName, SignatoryTitle string
	Signature                     []byte // PNG or JPEG, nil for none
	SignatureType                 string // "png" or "jpg"
}

// BodyKinds are the kinds of body a receipt may state.
var BodyKinds = []string{"general_interest", "public_utility"}

// Complete reports whether receipts can be issued: every mention they need is
// there.
func (s *Settings) Complete() bool {
	return s.Address != "" && s.Postcode != "" && s.City != "" && s.Purpose != "" && s.SignatoryName != "" && len(s.Signature) > 0
}

// LoadSettings reads the receipts' settings (empty before anyone fills them).
func LoadSettings(ctx context.Context, d *db.DB) (*Settings, error) {
	s := &Settings{BodyKind: "general_interest"}
	err := d.QueryRowContext(ctx, `SELECT address, postcode, city, purpose, body_kind, signatory_name, signatory_title, signature,
		signature_type FROM receipt_settings WHERE id = 1`).Scan(&s.Address, &s.Postcode, &s.City, &s.Purpose, &s.BodyKind,
		&s.SignatoryName, &s.SignatoryTitle, &s.Signature, &s.SignatureType)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	return s, err
}

// SaveSettings stores the settings; a nil Signature keeps the one stored.
func SaveSettings(ctx context.Context, d *db.DB, s *Settings) error {
	_, err := d.Exec(ctx, `INSERT INTO receipt_settings (id, address, postcode, city, purpose, body_kind, signatory_name, signatory_title,
		signature, signature_type, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET address = excluded.address, postcode = excluded.postcode, city = excluded.city,
		purpose = excluded.purpose, body_kind = excluded.body_kind, signatory_name = excluded.signatory_name,
		signatory_title = excluded.signatory_title,
		signature = COALESCE(excluded.signature, receipt_settings.signature),
		signature_type = CASE WHEN excluded.signature IS NULL THEN receipt_settings.signature_type ELSE excluded.signature_type END,
		updated_at = excluded.updated_at`,
		s.Address, s.Postcode, s.City, s.Purpose, s.BodyKind, s.SignatoryName, s.SignatoryTitle, s.Signature, s.SignatureType, db.Now())
	return err
}

// MaxSignatureBytes is the largest signature image accepted.
const MaxSignatureBytes = 512 << 10

// SettingsPage shows the receipts' settings: GET /donations/settings.
func (h *Handlers) SettingsPage(w http.ResponseWriter, r *http.Request) {
	s, err := LoadSettings(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.settingsForm(w, r, http.StatusOK, s, web.NewForm(url.Values{"address": {s.Address}, "postcode": {s.Postcode}, "city": {s.City},
		"purpose": {s.Purpose}, "body_kind": {s.BodyKind}, "signatory_name": {s.SignatoryName}, "signatory_title": {s.SignatoryTitle}}))
}

func (h *Handlers) settingsForm(w http.ResponseWriter, r *http.Request, status int, s *Settings, f *web.Form) {
	h.Render.Render(w, r, status, "donations/settings.html", struct {
		HasSignature bool
		BodyKinds    []web.Option
	}{len(s.Signature) > 0, web.CodeOptions("donations.body_kind.", BodyKinds, "")}, f)
}

// SettingsSave stores the receipts' settings, with a new signature image when
// one is sent: POST /donations/settings.
func (h *Handlers) SettingsSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, img, _, err := web.Upload(r, "signature", MaxSignatureBytes)
	if errors.Is(err, web.ErrTooLarge) {
		// A picture too big: said next to the field, not the 413 page.
		f = web.NewForm(url.Values(r.PostForm))
		f.Fail("signature", "donations.settings.signature_too_large")
		err = nil
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	old, err := LoadSettings(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	s := &Settings{Address: f.Get("address"), Postcode: f.Get("postcode"), City: f.Get("city"), Purpose: f.Get("purpose"),
		BodyKind: f.Get("body_kind"), SignatoryName: f.Get("signatory_name"), SignatoryTitle: f.Get("signatory_title")}
	f.Required("address", "postcode", "city", "purpose", "signatory_name")
	f.MaxLength("purpose", 500)
	if !postcodeShape.MatchString(s.Postcode) && s.Postcode != "" {
		f.Fail("postcode", "donations.postcode_invalid")
	}
	if s.BodyKind != "general_interest" && s.BodyKind != "public_utility" {
		f.Fail("body_kind", "form.choose")
	}
	if len(img) > 0 {
		_, format, err := image.DecodeConfig(bytes.NewReader(img))
		switch {
		case err != nil || (format != "png" && format != "jpeg"):
			f.Fail("signature", "donations.settings.signature_format")
		default:
			s.Signature, s.SignatureType = img, strings.Replace(format, "jpeg", "jpg", 1)
		}
	} else if len(old.Signature) == 0 && f.Errors["signature"] == "" {
		f.Fail("signature", "donations.settings.signature_required")
	}
	if !f.Valid() {
		h.settingsForm(w, r, http.StatusUnprocessableEntity, old, f)
		return
	}
	if err := SaveSettings(ctx, h.DB, s); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "donations.settings.saved")
	http.Redirect(w, r, "/donations/settings", http.StatusSeeOther)
}
