// The agent example's page (docs/AGENTS.md): one workflow's stream with the browser's own EventSource,
// unnamed frames (?format=message) so onmessage sees every type. It shows the status, the answer as it is
// streamed (output.snapshot, then output.delta from its end; output.closed has the whole text), the open
// question with its choices, and a Cancel button. Reloading the page mid-answer shows the text so far in
// one frame, then the rest: the server sends an output.snapshot to every stream that (re)joins.
const params = new URLSearchParams(location.hash.slice(1));
const workflow = params.get('workflow');
const token = params.get('token');
const path = `/api/v1/workflows/${encodeURIComponent(workflow)}`;
const $ = (id) => document.getElementById(id);
$('workflow').textContent = workflow;

let text = '';
let question = null;

function showText(closed) {
  $('answer').textContent = text;
  $('answer').dataset.closed = String(closed);
}

function ask(interrupt) {
  question = interrupt;
  $('prompt').textContent = interrupt.prompt;
  $('question').hidden = false;
}

async function post(to, body) {
  const response = await fetch(path + to, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) $('status').textContent += ` (refused: ${response.status})`;
}

const source = new EventSource(`${path}/stream?format=message&access_token=${encodeURIComponent(token)}`);
source.onmessage = (m) => {
  const frame = JSON.parse(m.data);
  switch (frame.type) {
    case 'snapshot':
    case 'reset':
      $('status').textContent = frame.status;
      break;
    case 'output.snapshot':
      if (frame.name === 'answer') {
        text = frame.text;
        showText(frame.closed);
      }
      break;
    case 'output.delta':
      // a delta that starts at the end of what we have; one we already have (a resend) is dropped
      if (frame.name === 'answer' && frame.offset === text.length) {
        text += frame.text;
        showText(false);
      }
      break;
    case 'output.closed':
      if (frame.data.name === 'answer') {
        text = frame.data.text;
        showText(true);
      }
      break;
    case 'interrupt.raised':
      ask(frame.data);
      break;
    case 'interrupt.resolved':
      if (question && frame.data.id === question.id) $('question').hidden = true;
      break;
    default:
      break;
  }
  // every event that moves the status says where to
  if (frame.data && typeof frame.data.to === 'string') $('status').textContent = frame.data.to;
};

$('approve').onclick = () => post(`/interrupts/${question.id}/resolve`, { value: { decision: 'approve' } });
$('reject').onclick = () => post(`/interrupts/${question.id}/resolve`, { value: { decision: 'reject' } });
$('cancel').onclick = () => post('/cancel', { reason: 'stopped from the page' });

// a question raised before the page opened: it is in the workflow's open interrupts
fetch(`${path}/interrupts?status=open`, { headers: { Authorization: `Bearer ${token}` } })
  .then((r) => (r.ok ? r.json() : { items: [] }))
  .then(({ items }) => { if (items.length && !question) ask(items[items.length - 1]); });

// another workflow or token in the fragment: start over
window.addEventListener('hashchange', () => location.reload());
