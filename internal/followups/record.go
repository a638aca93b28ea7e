package followups

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
)

// Record records the person's situation at +3 or +6 months, from the form of the
// learner file, which shows again with the form's errors when it cannot be.
func (h *Handlers) Record(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.Files.LoadForm(w, r)
	if !ok {
		return
	}
	milestone := f.Get("followup_milestone")
	if !slices.Contains(learners.Milestones, milestone) {
		f.Fail("followup_milestone", "form.choose")
	}
	if !slices.Contains(learners.FollowUpSituations, f.Get("followup_situation")) {
		f.Fail("followup_situation", "form.choose")
	}
	f.MaxLength("followup_note", 2000)
	if f.Valid() {
		key, err := learners.CheckFollowUp(ctx, h.DB, l, milestone, time.Now())
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if key != "" {
			f.Fail("followup_milestone", key)
		}
	}
	if f.Valid() {
		err := learners.RecordFollowUp(ctx, h.DB, l.ID, milestone, f.Get("followup_situation"), f.Get("followup_note"), auth.Current(ctx).ID)
		if errors.Is(err, learners.ErrNoFollowUp) {
			f.Fail("followup_milestone", "followup.none_planned")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.Files.ShowInvalid(w, r, l, f)
		return
	}
	h.Files.BackToFile(w, r, l.ID, "#followup")
}
