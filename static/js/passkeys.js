// Passkeys (signin/passkeys.py): once django-otp-webauthn's script has registered one, go where the
// server says (the recovery codes, shown once, after the first second factor; else the settings).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const url = event.detail && event.detail.response && event.detail.response.redirect_url;
  if (url && url.startsWith("/") && !url.startsWith("//")) {
    window.location.assign(url);
  }
});
