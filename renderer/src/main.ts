import { mount } from "svelte";
import "katex/dist/katex.min.css";
import App from "./App.svelte";
import "./app.css";

mount(App, { target: document.getElementById("app")! });
