package donations

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Contact is someone the association deals with at an organisation donor.
type Contact struct {
	ID, DonorID              int64
	Name, Role, Email, Phone string
}

// ContactsOf lists an organisation's contacts by name.
func ContactsOf(ctx context.Context, d *db.DB, donorID int64) ([]*Contact, error) {
	return db.Collect[*Contact](d.QueryContext(ctx, `SELECT id, name, role, email, phone FROM donor_contacts
		WHERE donor_id = $1 ORDER BY name, id`, donorID))(func(row db.Scanner) (*Contact, error) {
		c := &Contact{DonorID: donorID}
		return c, row.Scan(&c.ID, &c.Name, &c.Role, &c.Email, &c.Phone)
	})
}

// AddContactPage adds a contact to an organisation donor: POST
// /donors/{id}/contacts.
func (h *Handlers) AddContactPage(w http.ResponseWriter, r *http.Request) {
	_, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	c := &Contact{DonorID: o.ID, Name: f.Get("contact_name"), Role: f.Get("contact_role"), Email: f.Get("contact_email"),
		Phone: f.Get("contact_phone")}
	f.Required("contact_name")
	for _, field := range []string{"contact_name", "contact_role", "contact_email", "contact_phone"} {
		f.MaxLength(field, 200)
	}
	c.Email = strings.ToLower(c.Email)
	if c.Email != "" && !emailShape.MatchString(c.Email) {
		f.Fail("contact_email", "donations.email_invalid")
	}
	if c.Phone != "" {
		if _, ok := check.AnyPhone(c.Phone); !ok {
			f.Fail("contact_phone", "donations.contact.phone_invalid")
		}
	}
	if o.Kind != Organisation {
		f.Fail("contact_name", "donations.contact.company_only")
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := h.DB.InsertID(r.Context(), `INSERT INTO donor_contacts (donor_id, name, role, email, phone, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.DonorID, c.Name, c.Role, c.Email, c.Phone, db.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#contacts", http.StatusSeeOther)
}

// RemoveContactPage removes a contact who left: POST
// /donors/{id}/contacts/{contact}/remove.
func (h *Handlers) RemoveContactPage(w http.ResponseWriter, r *http.Request) {
	_, o, _, ok := h.posted(w, r)
	if !ok {
		return
	}
	res, err := h.DB.ExecContext(r.Context(), "DELETE FROM donor_contacts WHERE id = $1 AND donor_id = $2", web.PathID(r, "contact"), o.ID)
	h.removed(w, r, res, err, o.ID, "#contacts")
}

// removed answers a removal from a donor's page: the 404 page when nothing
// matched (a record of another donor), else back to the page at anchor.
func (h *Handlers) removed(w http.ResponseWriter, r *http.Request, res sql.Result, err error, donor int64, anchor string) {
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(donor, 10)+anchor, http.StatusSeeOther)
}
