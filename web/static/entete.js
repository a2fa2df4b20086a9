// Header menu on narrow screens: the navigation folds behind a « Menu » button. Without
// JavaScript the class `js` is never set and the navigation stays visible (it wraps).
(function () {
  document.documentElement.classList.add('js');
  document.addEventListener('DOMContentLoaded', function () {
    var bouton = document.querySelector('.menu-bouton');
    var entete = document.querySelector('.entete');
    if (!bouton || !entete) return;
    bouton.addEventListener('click', function () {
      var ouvert = entete.classList.toggle('ouvert');
      bouton.setAttribute('aria-expanded', ouvert ? 'true' : 'false');
    });
  });
})();
