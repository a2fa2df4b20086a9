// Permanences pages: the forms and buttons that call the JSON API (create a campaign, add slots
// and members, change the status, edit the roster by hand with a live check before saving,
// propose and decide swaps). The availability grid and the solve progress use htmx alone.
// A refusal naming a field shows next to it (web/static/formulaires.js); every save is confirmed
// on the page reloaded after it.
(function () {
  'use strict';

  const root = document.getElementById('permanence') || document.getElementById('permanences');
  if (!root) return;
  const csrf = root.dataset.csrf;
  // The solve job ended (its fragment says so and stops polling): reload once for the roster.
  document.body.addEventListener('calcul-termine', function () { window.location.reload(); });
  const id = root.dataset.id;
  const message = document.getElementById('message');

  function say(text, error) {
    if (!message) return;
    message.textContent = text;
    message.classList.toggle('erreur', Boolean(error));
  }

  const forms = window.MaillageFormulaires;

  // Refused: next to the field the server names when the form has it, else in the message line;
  // a conflict (someone changed the campaign meanwhile) reloads the page after saying so.
  function refuse(form, err) {
    if (form) forms.clearErrors(form);
    if (err.status === 409) {
      say(`${err.message} — la page va être rechargée.`, true);
      setTimeout(() => window.location.reload(), 2500);
      return;
    }
    if (form && forms.showFieldError(form, err.message, err.field)) { say(''); return; }
    say(err.message, true);
  }

  function saved(text) {
    forms.confirmAfterReload(text);
    window.location.reload();
  }

  async function api(method, url, body) {
    const r = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = null;
    try { data = await r.json(); } catch { /* empty body */ }
    if (!r.ok) {
      const err = new Error(data && data.message ? data.message : `Erreur ${r.status}`);
      err.field = data && data.field ? data.field : '';
      err.status = r.status;
      throw err;
    }
    return data;
  }

  // htmx answers with an error status are not swapped: tell the user why.
  document.body.addEventListener('htmx:responseError', (e) => {
    const xhr = e.detail.xhr;
    const doc = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
    const text = doc.querySelector('.message-erreur, main p');
    say(text ? text.textContent.trim() : `Erreur ${xhr.status}`, true);
  });

  // List page: new campaign.
  const create = document.getElementById('nouvelle-campagne');
  if (create) {
    create.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(create);
      const body = {
        structure: Number(f.get('structure')),
        nom: f.get('nom'),
        debut: f.get('debut'),
        fin: f.get('fin'),
        temps_calcul: Number(f.get('temps_calcul') || 10),
        description: f.get('description') || '',
      };
      if (f.get('plafond_mensuel')) body.plafond_mensuel = Number(f.get('plafond_mensuel'));
      try {
        const c = await api('POST', '/api/v1/campaigns', body);
        forms.confirmAfterReload('Campagne créée.');
        window.location.href = `/permanences/${c.id}`;
      } catch (err) { refuse(create, err); }
    });
  }

  if (!id) return;
  const base = `/api/v1/campaigns/${id}`;
  const version = () => Number(root.dataset.version);

  document.querySelectorAll('.action-statut').forEach((b) => {
    b.addEventListener('click', async () => {
      try {
        await api('POST', `${base}/status`, { statut: b.dataset.statut, version: version() });
        saved('Statut de la campagne enregistré.');
      } catch (err) { refuse(null, err); }
    });
  });

  const memberForm = document.getElementById('ajout-membre');
  if (memberForm) {
    memberForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(memberForm);
      const body = { version: version(), profession: f.get('profession') };
      if (f.get('nom')) body.nom = f.get('nom');
      if (f.get('plafond_mensuel')) body.plafond_mensuel = Number(f.get('plafond_mensuel'));
      if (f.get('utilisateur')) body.utilisateur = Number(f.get('utilisateur'));
      try {
        await api('POST', `${base}/members`, body);
        saved('Membre ajouté à la campagne.');
      } catch (err) { refuse(memberForm, err); }
    });
  }

  // Slot generator: one slot per chosen weekday between two dates.
  const slotForm = document.getElementById('ajout-creneaux');
  if (slotForm) {
    slotForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(slotForm);
      const days = new Set(f.getAll('jour').map(Number));
      const from = new Date(`${f.get('du')}T12:00:00Z`);
      const to = new Date(`${f.get('au')}T12:00:00Z`);
      const slots = [];
      for (let d = from; d <= to; d = new Date(d.getTime() + 86400000)) {
        if (!days.has(d.getUTCDay())) continue;
        slots.push({
          date: d.toISOString().slice(0, 10),
          debut: f.get('debut'),
          fin: f.get('fin'),
          fin_lendemain: f.get('fin_lendemain') === 'on',
          type: f.get('type'),
          lieu: f.get('lieu') || '',
          profession: f.get('profession'),
          nombre: Number(f.get('nombre') || 1),
        });
      }
      forms.clearErrors(slotForm);
      if (slots.length === 0) { say('Aucun jour choisi dans cette période.', true); return; }
      try {
        await api('POST', `${base}/slots`, { version: version(), creneaux: slots });
        saved(slots.length === 1 ? '1 créneau ajouté.' : `${slots.length} créneaux ajoutés.`);
      } catch (err) { refuse(slotForm, err); }
    });
  }

  // Hand edits: the roster in the table is the state; every change is checked by the server
  // (the engine's checker) before the save button is enabled.
  const table = document.querySelector('table.planning.modifiable');
  const save = document.getElementById('enregistrer-planning');
  const controle = document.getElementById('controle');
  function assignments() {
    const out = [];
    table.querySelectorAll('tr[data-creneau]').forEach((tr) => {
      tr.querySelectorAll('.personne').forEach((p) => {
        out.push({ creneau: Number(tr.dataset.creneau), membre: Number(p.dataset.membre) });
      });
    });
    return out;
  }
  function render(check) {
    controle.replaceChildren();
    const p = document.createElement('p');
    const o = check.objectif;
    p.textContent = check.valide
      ? `Contrôle : aucune règle enfreinte. Objectif ${o.total} (manque ${o.manque}, souhaits ${o.souhaits}, équité ${o.equite}).`
      : 'Contrôle : la modification enfreint des règles, elle ne peut pas être enregistrée.';
    p.className = check.valide ? 'ok' : 'alerte';
    controle.append(p);
    if (!check.valide) {
      const ul = document.createElement('ul');
      ul.className = 'violations';
      for (const v of check.violations) {
        const li = document.createElement('li');
        li.textContent = v.message;
        ul.append(li);
      }
      controle.append(ul);
    }
    save.disabled = !check.valide;
  }
  async function recheck() {
    save.disabled = true;
    try {
      render(await api('POST', `${base}/roster/check`, { affectations: assignments() }));
    } catch (err) { refuse(null, err); }
  }
  function chip(member, name) {
    const span = document.createElement('span');
    span.className = 'personne modifiee';
    span.dataset.membre = member;
    span.append(`${name} `);
    const x = document.createElement('button');
    x.type = 'button';
    x.className = 'retirer';
    x.textContent = '×';
    x.setAttribute('aria-label', `Retirer ${name}`);
    span.append(x);
    return span;
  }
  if (table) {
    table.addEventListener('click', (e) => {
      if (!e.target.classList.contains('retirer')) return;
      e.target.closest('.personne').remove();
      recheck();
    });
    table.addEventListener('change', (e) => {
      const sel = e.target;
      if (!sel.classList.contains('ajouter') || !sel.value) return;
      const td = sel.closest('td');
      if (!td.querySelector(`.personne[data-membre="${sel.value}"]`)) {
        td.insertBefore(chip(sel.value, sel.selectedOptions[0].textContent), sel);
      }
      sel.value = '';
      recheck();
    });
    save.addEventListener('click', async () => {
      try {
        await api('PUT', `${base}/roster`, { version: version(), affectations: assignments() });
        saved('Planning enregistré.');
      } catch (err) { refuse(null, err); }
    });
  }

  document.querySelectorAll('.proposer-echange').forEach((b) => {
    b.addEventListener('click', async () => {
      const li = b.closest('li');
      const [member, other] = li.querySelector('.echange-choix').value.split(':').map(Number);
      const body = { creneau: Number(li.dataset.creneau), vers_membre: member };
      if (other) body.autre_creneau = other;
      try {
        await api('POST', `${base}/swaps`, body);
        saved('Échange proposé.');
      } catch (err) { refuse(null, err); }
    });
  });

  document.querySelectorAll('.decider').forEach((b) => {
    b.addEventListener('click', async () => {
      const li = b.closest('li');
      try {
        await api('POST', `${base}/swaps/${li.dataset.echange}/decision`,
          { decision: b.dataset.decision, version: Number(li.dataset.version) });
        saved('Décision enregistrée.');
      } catch (err) { refuse(null, err); }
    });
  });
}());
