/**
 * sizeElements gives every element a client size of 300×300 until the mocks are restored
 * (jest.restoreAllMocks). The Combobox menu is virtualised and renders only the options that fit
 * the list's client size, which is 0 in jsdom; with a size the options render.
 */
export function sizeElements() {
  jest.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300);
  jest.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(300);
}
