// The voting page: plain DOM code, no build step. Talks only to the JSON API of the server that served it.
"use strict";

const statusLine = document.getElementById("status");

function say(text, isError) {
  statusLine.textContent = text;
  statusLine.className = isError ? "error" : "ok";
}

async function api(path) {
  const response = await fetch(path, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.error || "HTTP " + response.status);
  }
  return body;
}

async function vote(emoji) {
  try {
    await api("/api/vote?choice=" + encodeURIComponent(emoji.shortcode));
    say("Voted for " + emoji.unicode + " " + emoji.shortcode, false);
  } catch (e) {
    say("Vote for " + emoji.shortcode + " failed: " + e.message, true);
  }
  refreshLeaderboard();
}

async function showEmoji() {
  try {
    const list = await api("/api/list");
    const grid = document.getElementById("emoji");
    grid.replaceChildren(...list.map((emoji) => {
      const button = document.createElement("button");
      button.textContent = emoji.unicode;
      button.title = emoji.shortcode;
      button.addEventListener("click", () => vote(emoji));
      return button;
    }));
  } catch (e) {
    say("Cannot load the emoji: " + e.message + " (retrying)", true);
    setTimeout(showEmoji, 2000);
  }
}

async function refreshLeaderboard() {
  try {
    const standings = await api("/api/leaderboard");
    document.getElementById("leaderboard").replaceChildren(...standings.map((s) => {
      const item = document.createElement("li");
      item.textContent = s.unicode + " " + s.shortcode + " — " + s.votes + (s.votes === 1 ? " vote" : " votes");
      return item;
    }));
  } catch (e) {
    say("Cannot load the leaderboard: " + e.message, true);
  }
}

showEmoji();
refreshLeaderboard();
setInterval(refreshLeaderboard, 2000);
