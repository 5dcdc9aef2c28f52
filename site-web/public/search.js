// Starts Pagefind's search box (a file, not an inline script: the CSP allows only 'self' scripts).
window.addEventListener('DOMContentLoaded', function () {
  // eslint-disable-next-line no-undef
  new PagefindUI({ element: '#search', showSubResults: true, showImages: false, resetStyles: false });
  // Tie the page's visible label to the box Pagefind made.
  var input = document.querySelector('#search input');
  if (input) input.id = 'search-input';
});
