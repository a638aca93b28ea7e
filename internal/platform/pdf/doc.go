// Package pdf writes Tremplin's PDFs in any language: a Doc is an fpdf
// document with Unicode fonts embedded in the binary (DejaVu Sans, with Noto
// Sans Ethiopic for Ge'ez letters), whose text operations shape Arabic
// script and lay each line out with the Unicode bidirectional algorithm. On a
// right-to-left page (Arabic) the page is mirrored: callers place cells,
// rectangles and lines from the start margin as for French, and they come out
// from the right.
package pdf
