// Shows why the login came back: the server redirects a wrong key to /dashboard/login?failed.
if (new URLSearchParams(location.search).has('failed')) {
  document.getElementById('failed').hidden = false;
}
