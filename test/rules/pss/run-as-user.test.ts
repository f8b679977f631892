import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './run-as-user.cases.js';

ruleTester(cases.rule, cases);
