// Counts the SMS parts of the message texts being edited, as the server does
// (notify.Segments): GSM-7 (160 per SMS, 153 per part when longer, extension
// characters count two) or UCS-2 (70, then 67; a character outside the BMP counts
// two), with the sample values in place of the {placeholders}. Without
// JavaScript the preview button gives the exact figures.
(function () {
  "use strict";
  var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var ext = "\f^{}\\[~]|€";
  function count(text) {
    var gsm = 0, ucs = 0, isGSM = true;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      ucs++;
      if (basic.indexOf(c) >= 0) { gsm++; } else if (ext.indexOf(c) >= 0) { gsm += 2; } else { isGSM = false; }
    }
    if (isGSM) { return { enc: "GSM-7", n: gsm, parts: gsm === 0 ? 0 : gsm <= 160 ? 1 : Math.ceil(gsm / 153) }; }
    return { enc: "UCS-2", n: ucs, parts: ucs === 0 ? 0 : ucs <= 70 ? 1 : Math.ceil(ucs / 67) };
  }
  var fields = document.querySelectorAll("textarea[data-sms-count]");
  Array.prototype.forEach.call(fields, function (field) {
    var out = document.getElementById(field.getAttribute("data-sms-count"));
    var extra = Number(field.getAttribute("data-sms-extra") || 0);
    var template = out.getAttribute("data-template");
    var samples = JSON.parse(field.getAttribute("data-samples") || "{}");
    function update() {
      var text = field.value;
      Object.keys(samples).forEach(function (k) { text = text.split("{" + k + "}").join(samples[k]); });
      var r = count(text);
      out.textContent = template.replace("{chars}", r.n + extra).replace("{parts}", r.parts).replace("{enc}", r.enc);
    }
    field.addEventListener("input", update);
  });
})();
